using Onnx;
using RlsEdit.Models;

namespace RlsEdit.Onnx;

/// <summary>Exports a Hugging Face model folder to ONNX with the exporter of its family (<see cref="Gpt2OnnxExporter"/>, <see cref="LlamaOnnxExporter"/>).</summary>
public static class OnnxExporter
{
    /// <summary>The ONNX ModelProto for <paramref name="model"/>: inputs <c>input_ids</c> and <c>attention_mask</c>, output <c>logits</c>.</summary>
    public static ModelProto Export(TransformerModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Config.Architecture == ModelArchitecture.Gpt2 ? Gpt2OnnxExporter.Export(model) : LlamaOnnxExporter.Export(model);
    }

    /// <summary>Loads the Hugging Face folder <paramref name="modelDirectory"/> and writes its ONNX graph to <paramref name="outputPath"/> atomically.</summary>
    public static void Export(string modelDirectory, string outputPath) =>
        OnnxGraph.Save(Export(ModelFolder.Load<float>(modelDirectory)), outputPath);
}
