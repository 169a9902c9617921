using RlsEdit.Editing;
using RlsEdit.Onnx;

namespace RlsEdit.Cli.Commands;

/// <summary><c>rlsedit edit --out-onnx</c>: the edited model, also written as an ONNX graph by <see cref="OnnxExporter"/>.</summary>
internal static class OnnxOutput
{
    /// <summary>Refuses, before any editing, a target path that does not name an .onnx file.</summary>
    public static void Validate(string path)
    {
        if (!path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new EditInputException("--out-onnx", "a file name ending in .onnx", $"'{path}'");
    }

    /// <summary>
    /// Exports the run's edited model folder to <paramref name="path"/> atomically (a temporary file, then a rename; weights
    /// over the exporter's threshold go to "{path}.data" first).
    /// </summary>
    public static void Write(string runDirectory, string path) => OnnxExporter.Export(Path.Combine(runDirectory, "model"), path);
}
