using RlsEdit.Editing;
using RlsEdit.Models;
using RlsEdit.Onnx;

namespace RlsEdit.Cli.Commands;

/// <summary><c>rlsedit edit --out-onnx</c>: the edited model, also written as an ONNX graph by <see cref="Gpt2OnnxExporter"/>.</summary>
internal static class OnnxOutput
{
    /// <summary>Refuses, before any editing, a target the exporter cannot write: a model other than GPT-2 or a path not ending in .onnx.</summary>
    public static void Validate(string modelDirectory, string path)
    {
        if (!path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new EditInputException("--out-onnx", "a file name ending in .onnx", $"'{path}'");
        var config = ModelFolder.LoadConfig(modelDirectory);
        if (config.Architecture != ModelArchitecture.Gpt2)
            throw new EditInputException("--out-onnx", "a GPT-2 model (the ONNX exporter writes GPT-2 graphs only)", $"model_type '{config.ModelType}'");
    }

    /// <summary>Exports the run's edited model folder to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
    public static void Write(string runDirectory, string path) => Gpt2OnnxExporter.Export(Path.Combine(runDirectory, "model"), path);
}
