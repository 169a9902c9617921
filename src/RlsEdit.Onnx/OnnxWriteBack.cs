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
    /// is copied first so only this projection changes. For weights in external data files use the file overload.
    /// </summary>
    /// <exception cref="ShapeMismatchException">ΔW is not F×D.</exception>
    /// <exception cref="NonFiniteValueException">ΔW holds NaN or infinity.</exception>
    /// <exception cref="OnnxModelException">The weight lives in an external data file.</exception>
    public static void ApplyDelta(ModelProto model, DownProjection projection, MatrixView<double> deltaInOut)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(projection);
        Guard.Shape(deltaInOut, projection.InFeatures, projection.OutFeatures, Operation, "delta");
        Add(OwnInitializer(model, projection), projection, deltaInOut);
    }

    /// <summary>Loads <paramref name="inputPath"/>, adds ΔW (F×D) to layer <paramref name="layer"/>'s down-projection and saves atomically to <paramref name="outputPath"/>.</summary>
    /// <inheritdoc cref="ApplyDeltas" path="/exception"/>
    public static void ApplyDelta(string inputPath, string outputPath, int layer, MatrixView<double> deltaInOut) =>
        ApplyDeltas(inputPath, outputPath, new Dictionary<int, MatrixView<double>> { [layer] = deltaInOut });

    /// <summary>
    /// Loads <paramref name="inputPath"/>, adds each layer's ΔW (F×D, editing layout) to its down-projection and saves
    /// to <paramref name="outputPath"/>, every file through a temporary name and a rename. A model with external data
    /// keeps it external: all its external initializers, the edited ones included, are written to one new data file
    /// "{output file name}.data" beside the output (the input's files are only read), then the graph.
    /// </summary>
    /// <exception cref="ShapeMismatchException">A ΔW is not F×D.</exception>
    /// <exception cref="NonFiniteValueException">A ΔW holds NaN or infinity.</exception>
    /// <exception cref="OnnxModelException">A layer has no down-projection, external data is missing or malformed, or the output's data file would replace one the input reads.</exception>
    public static void ApplyDeltas(string inputPath, string outputPath, IReadOnlyDictionary<int, MatrixView<double>> deltasInOut)
    {
        ArgumentNullException.ThrowIfNull(deltasInOut);
        var model = OnnxGraph.Load(inputPath);
        string inputDirectory = Path.GetDirectoryName(Path.GetFullPath(inputPath))!;
        var edited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (layer, delta) in deltasInOut)
        {
            var projection = OnnxGraph.FindDownProjection(model, layer, inputPath);
            Guard.Shape(delta, projection.InFeatures, projection.OutFeatures, Operation, $"delta of layer {layer.ToString(CultureInfo.InvariantCulture)}");
            var tensor = OwnInitializer(model, projection);
            if (OnnxExternalData.IsExternal(tensor))
            {
                OnnxExternalData.Inline(tensor, inputDirectory);
                edited.Add(tensor.Name);
            }
            Add(tensor, projection, delta);
        }
        if (edited.Count > 0 || model.Graph.Initializer.Any(OnnxExternalData.IsExternal))
            OnnxExternalData.Save(model, outputPath, inputDirectory, edited);
        else
            OnnxGraph.Save(model, outputPath);
    }

    private const string Operation = "OnnxWriteBack.ApplyDelta";

    private static void Add(TensorProto tensor, DownProjection projection, MatrixView<double> deltaInOut)
    {
        var stored = OnnxTensors.ToMatrix(tensor);
        var delta = projection.Layout == WeightLayout.InOut ? deltaInOut : deltaInOut.Transposed;
        for (int i = 0; i < stored.Rows; i++)
            for (int j = 0; j < stored.Cols; j++)
            {
                double d = delta[i, j];
                if (!double.IsFinite(d)) throw new NonFiniteValueException(Operation, "delta", i, j, d);
                stored[i, j] = (float)(stored[i, j] + d);
            }
        OnnxTensors.Overwrite(tensor, stored.View);
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
