using Google.Protobuf;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Statistics;

/// <summary>Keys from ONNX Runtime through an <see cref="OnnxKeyCapture"/> session.</summary>
public sealed class OnnxKeySource : IKeySource, IDisposable
{
    private readonly OnnxKeyCapture _capture;

    private OnnxKeySource(OnnxKeyCapture capture, long[] fingerprint, int maxLength)
    {
        _capture = capture; ModelFingerprint = fingerprint; MaxLength = maxLength;
        Layers = capture.Projections.Select(p => p.Layer).ToArray();
    }

    /// <summary>Opens the .onnx file for <paramref name="layers"/>; <paramref name="maxLength"/> bounds the windows (the graph does not say).</summary>
    public static OnnxKeySource Open(string path, IReadOnlyList<int> layers, OnnxDevice device, Action<string>? log = null, int maxLength = int.MaxValue)
    {
        var model = OnnxGraph.Load(path);
        var fingerprint = Fingerprint.ToWords(System.Security.Cryptography.SHA256.HashData(model.ToByteArray()));
        return new OnnxKeySource(OnnxKeyCapture.Create(model, layers.ToArray(), device, log, path), fingerprint, maxLength);
    }

    /// <summary>The device the session runs on.</summary>
    public OnnxDevice Device => _capture.Device;
    /// <inheritdoc />
    public IReadOnlyList<int> Layers { get; }
    /// <inheritdoc />
    public int MaxLength { get; }
    /// <inheritdoc />
    public long[] ModelFingerprint { get; }
    /// <inheritdoc />
    public int KeyWidth(int layer) => _capture.Projections.First(p => p.Layer == layer).InFeatures;
    /// <inheritdoc />
    public IReadOnlyDictionary<int, Matrix<float>> Keys(int[] ids, int batch, int length) => _capture.RunKeys(ids, batch, length);
    /// <inheritdoc />
    /// <remarks>Padded on <see cref="OnnxKeyCapture.Padding"/>'s side: left with an <c>attention_mask</c> input, else right.</remarks>
    public IReadOnlyDictionary<int, Matrix<float>> Keys(IReadOnlyList<int[]> sequences) => _capture.RunKeysPadded(sequences);
    /// <inheritdoc />
    public void Dispose() => _capture.Dispose();
}
