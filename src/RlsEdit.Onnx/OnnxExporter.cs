using Onnx;
using RlsEdit.Models;

namespace RlsEdit.Onnx;

/// <summary>Exports a Hugging Face model folder to ONNX with the exporter of its family (<see cref="Gpt2OnnxExporter"/>, <see cref="LlamaOnnxExporter"/>).</summary>
public static class OnnxExporter
{
    /// <summary>
    /// Total initializer bytes above which <see cref="Export(string, string, bool?)"/> writes the weights to an external
    /// data file by default: protobuf cannot serialize a message over 2 GB, and 1 GiB leaves room for the graph.
    /// </summary>
    public const long ExternalDataThreshold = 1L << 30;

    /// <summary>Initializers smaller than this stay inline in an external-data export (shapes, scalars, small vectors).</summary>
    private const int InlineBytes = 1024;

    /// <summary>The ONNX ModelProto for <paramref name="model"/>: inputs <c>input_ids</c> and <c>attention_mask</c>, output <c>logits</c>.</summary>
    public static ModelProto Export(TransformerModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Config.Architecture == ModelArchitecture.Gpt2 ? Gpt2OnnxExporter.Export(model) : LlamaOnnxExporter.Export(model);
    }

    /// <summary>
    /// Loads the Hugging Face folder <paramref name="modelDirectory"/> and writes its ONNX graph to <paramref name="outputPath"/>
    /// atomically. With <paramref name="externalData"/> true (by default: when the weights exceed
    /// <see cref="ExternalDataThreshold"/>) every initializer of 1 KiB or more goes to "{output file name}.data" beside it,
    /// written and renamed before the graph.
    /// </summary>
    public static void Export(string modelDirectory, string outputPath, bool? externalData = null)
    {
        var model = Export(ModelFolder.Load<float>(modelDirectory));
        long bytes = model.Graph.Initializer.Sum(t => (long)t.RawData.Length);
        if (externalData ?? bytes > ExternalDataThreshold)
        {
            var large = model.Graph.Initializer.Where(t => t.RawData.Length >= InlineBytes).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            OnnxExternalData.Save(model, outputPath, Path.GetDirectoryName(Path.GetFullPath(outputPath))!, large);
        }
        else
        {
            OnnxGraph.Save(model, outputPath);
        }
    }
}
