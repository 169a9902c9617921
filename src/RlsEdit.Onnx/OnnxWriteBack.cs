using System.Globalization;
using Onnx;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx;

/// <summary>
/// Applies weight edits to MLP down-projection initializers in a ModelProto. The graph itself is rewritten
/// (rather than overriding initializers at session creation) because ONNX Runtime constant-folds from the file's values.
/// </summary>
public static class OnnxWriteBack
{
    /// <summary>The projection's weight in the editing layout [in, out] = F×D (keys·W = values), whatever its stored layout.</summary>
    public static Matrix<float> ReadWeight(ModelProto model, DownProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var stored = OnnxTensors.ToMatrix(OnnxGraph.Initializer(model, projection.WeightName));
        return projection.Layout == WeightLayout.InOut ? stored : stored.View.Transposed.ToMatrix();
    }

    /// <summary>
    /// W ← W + ΔW for <paramref name="projection"/>, with <paramref name="deltaInOut"/> in the editing layout F×D
    /// (pass <c>delta.Transposed</c> for a Hugging Face out×in D×F update). An initializer shared with other nodes
    /// is copied first so only this projection changes.
    /// </summary>
    /// <exception cref="ShapeMismatchException">ΔW is not F×D.</exception>
    /// <exception cref="NonFiniteValueException">ΔW holds NaN or infinity.</exception>
    public static void ApplyDelta(ModelProto model, DownProjection projection, MatrixView<double> deltaInOut)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(projection);
        const string op = "OnnxWriteBack.ApplyDelta";
        Guard.Shape(deltaInOut, projection.InFeatures, projection.OutFeatures, op, "delta");
        var tensor = OwnInitializer(model, projection);
        var stored = OnnxTensors.ToMatrix(tensor);
        var delta = projection.Layout == WeightLayout.InOut ? deltaInOut : deltaInOut.Transposed;
        for (int i = 0; i < stored.Rows; i++)
            for (int j = 0; j < stored.Cols; j++)
            {
                double d = delta[i, j];
                if (!double.IsFinite(d)) throw new NonFiniteValueException(op, "delta", i, j, d);
                stored[i, j] = (float)(stored[i, j] + d);
            }
        OnnxTensors.Overwrite(tensor, stored.View);
    }

    /// <summary>Loads <paramref name="inputPath"/>, adds ΔW (F×D) to layer <paramref name="layer"/>'s down-projection and saves atomically to <paramref name="outputPath"/>.</summary>
    public static void ApplyDelta(string inputPath, string outputPath, int layer, MatrixView<double> deltaInOut)
    {
        var model = OnnxGraph.Load(inputPath);
        ApplyDelta(model, OnnxGraph.FindDownProjection(model, layer, inputPath), deltaInOut);
        OnnxGraph.Save(model, outputPath);
    }

    /// <summary>The projection's initializer, duplicated and rewired when other nodes read it too.</summary>
    private static TensorProto OwnInitializer(ModelProto model, DownProjection projection)
    {
        var tensor = OnnxGraph.Initializer(model, projection.WeightName);
        var readers = model.Graph.Node.Where(n => n.Input.Contains(projection.WeightName)).ToArray();
        bool isGraphOutput = model.Graph.Output.Any(o => o.Name == projection.WeightName);
        if (readers.Length <= 1 && !isGraphOutput) return tensor;
        var node = model.Graph.Node.Single(n => n.Name == projection.NodeName);
        // The weight reaches the node directly or through one Transpose; rewire whichever reads the initializer.
        var reader = node.Input[1] == projection.WeightName ? node : model.Graph.Node.Single(n => n.Output.Contains(node.Input[1]));
        var copy = tensor.Clone();
        copy.Name = $"{projection.WeightName}.edited_layer{projection.Layer.ToString(CultureInfo.InvariantCulture)}";
        model.Graph.Initializer.Add(copy);
        for (int i = 0; i < reader.Input.Count; i++)
            if (reader.Input[i] == projection.WeightName) reader.Input[i] = copy.Name;
        return copy;
    }
}
