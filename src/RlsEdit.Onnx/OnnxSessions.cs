using Microsoft.ML.OnnxRuntime;

namespace RlsEdit.Onnx;

/// <summary>Creates ONNX Runtime sessions on the requested device.</summary>
public static class OnnxSessions
{
    private static readonly Lazy<string?> CudaProblem = new(ProbeCuda);

    /// <summary>
    /// Whether the CUDA execution provider can be appended in this process (the provider library, its CUDA 13
    /// dependencies and a driver load). <paramref name="reason"/> says why not.
    /// </summary>
    public static bool IsCudaAvailable(out string reason)
    {
        reason = CudaProblem.Value ?? "";
        return CudaProblem.Value is null;
    }

    /// <summary>
    /// A session on <paramref name="model"/> (serialized ModelProto). <see cref="OnnxDevice.Auto"/> falls back to CPU
    /// and reports that once through <paramref name="log"/>.
    /// </summary>
    /// <returns>The session and the device it really runs on.</returns>
    /// <exception cref="OnnxModelException">The device is <see cref="OnnxDevice.Cuda"/> and CUDA is unavailable, or ONNX Runtime rejects the model.</exception>
    /// <param name="model">The serialized ModelProto.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="log">Receives the CPU fallback line of <see cref="OnnxDevice.Auto"/>.</param>
    /// <param name="sourceName">Names the model in errors.</param>
    /// <param name="externalDataDirectory">
    /// For models whose initializers live in external data files: the folder those relative paths start from. The
    /// bytes are then written to a temporary file there for the session to load, and removed once it has.
    /// </param>
    public static (InferenceSession Session, OnnxDevice Device) Create(byte[] model, OnnxDevice device, Action<string>? log = null, string sourceName = "model",
        string? externalDataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var used = device;
        if (device != OnnxDevice.Cpu)
        {
            if (IsCudaAvailable(out string reason)) used = OnnxDevice.Cuda;
            else if (device == OnnxDevice.Cuda)
                throw new OnnxModelException(sourceName, "cannot run on CUDA", "a loadable CUDA execution provider (CUDA 13 libraries, an NVIDIA GPU)", reason);
            else
            {
                used = OnnxDevice.Cpu;
                log?.Invoke($"ONNX Runtime: CUDA unavailable ({reason}); running on CPU.");
            }
        }
        // Failures surface as typed exceptions carrying ORT's message; the native logger would print them a second time.
        var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        try
        {
            if (used == OnnxDevice.Cuda) options.AppendExecutionProvider_CUDA(0);
            if (externalDataDirectory is null) return (new InferenceSession(model, options), used);
            string temporary = Path.Combine(externalDataDirectory, $".rlsedit-{Guid.NewGuid():N}.onnx");
            try
            {
                File.WriteAllBytes(temporary, model);
                return (new InferenceSession(temporary, options), used);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException(sourceName, "ONNX Runtime rejected the model", "a model ONNX Runtime can load", e.Message, e);
        }
        finally
        {
            options.Dispose();
        }
    }

    private static string? ProbeCuda()
    {
        // The native logger would print the loader's failure as an error; the caller reports it once instead.
        var env = OrtEnv.Instance();
        var level = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(0);
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            string message = string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return $"{message} — the CUDA provider needs CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13), cuDNN and an NVIDIA driver";
        }
        finally
        {
            env.EnvLogLevel = level;
        }
    }
}
