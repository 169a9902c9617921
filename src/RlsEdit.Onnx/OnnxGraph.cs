using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Onnx;

namespace RlsEdit.Onnx;

/// <summary>Reading, inspecting and rewriting ONNX ModelProto graphs (no ONNX Runtime needed).</summary>
public static partial class OnnxGraph
{
    /// <summary>What the locator looks for, spelled out in "not found" errors.</summary>
    public const string DownProjectionPattern =
        "a Gemm or MatMul node named like '/transformer/h.{L}/mlp/c_proj/Gemm' (GPT-2) or '/model/layers.{L}/mlp/down_proj/MatMul' (Llama/Qwen2) whose weight input is a 2-D float initializer (directly or through Transpose)";

    // The layer index sits in the scope path torch.onnx writes from module names: .../h.{L}/mlp/c_proj/... or .../layers.{L}/mlp/down_proj/...
    [GeneratedRegex(@"(?:^|/)(?:h|layers)\.(\d+)/mlp/(?:c_proj|down_proj)/(?:Gemm|MatMul)(?:_\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DownProjectionName();

    /// <summary>Reads and parses an .onnx file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxModelException">The bytes are not a ModelProto with a graph.</exception>
    public static ModelProto Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"OnnxGraph.Load: no ONNX file at '{path}'.", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses ModelProto bytes; <paramref name="sourceName"/> names them in errors.</summary>
    /// <exception cref="OnnxModelException">The bytes are not a ModelProto with a graph.</exception>
    public static ModelProto Parse(byte[] bytes, string sourceName = "bytes")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxModelException(sourceName, "not an ONNX model", "a serialized onnx.ModelProto", $"{bytes.Length} bytes that protobuf cannot parse ({e.Message})", e);
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new OnnxModelException(sourceName, "not an ONNX model", "a ModelProto with a non-empty graph", model.Graph is null ? "no graph" : "a graph with no nodes");
        if (model.OpsetImport.Count == 0)
            throw new OnnxModelException(sourceName, "not an ONNX model", "at least one opset import", "none");
        return model;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (temporary file in the same folder, then rename).</summary>
    public static void Save(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temporary = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Every layer's MLP down-projection, ordered by layer.</summary>
    /// <exception cref="OnnxModelException">No node matches <see cref="DownProjectionPattern"/>, or a matching node is malformed.</exception>
    public static IReadOnlyList<DownProjection> FindDownProjections(ModelProto model, string sourceName = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var o in node.Output) producers[o] = node;
            foreach (var i in node.Input)
            {
                if (!consumers.TryGetValue(i, out var list)) consumers[i] = list = [];
                list.Add(node);
            }
        }
        var found = new SortedDictionary<int, DownProjection>();
        foreach (var node in graph.Node)
        {
            var match = DownProjectionName().Match(node.Name);
            if (!match.Success || (node.OpType != "Gemm" && node.OpType != "MatMul")) continue;
            int layer = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var projection = Describe(node, layer, initializers, producers, consumers, sourceName);
            if (!found.TryAdd(layer, projection))
                throw new OnnxModelException(sourceName, $"layer {layer} MLP down-projection", "one matching node per layer", $"'{found[layer].NodeName}' and '{node.Name}'");
        }
        if (found.Count == 0)
            throw new OnnxModelException(sourceName, "no MLP down-projection", DownProjectionPattern,
                $"{graph.Node.Count} nodes, none matching (first: {string.Join(", ", graph.Node.Take(3).Select(n => $"'{n.Name}' {n.OpType}"))})");
        return found.Values.ToArray();
    }

    /// <summary>Layer <paramref name="layer"/>'s MLP down-projection.</summary>
    /// <exception cref="OnnxModelException">The graph has no down-projection for that layer.</exception>
    public static DownProjection FindDownProjection(ModelProto model, int layer, string sourceName = "model")
    {
        var all = FindDownProjections(model, sourceName);
        return all.FirstOrDefault(p => p.Layer == layer)
            ?? throw new OnnxModelException(sourceName, $"no MLP down-projection for layer {layer}", DownProjectionPattern.Replace("{L}", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                $"layers {string.Join(", ", all.Select(p => p.Layer))}");
    }

    /// <summary>
    /// Adds <paramref name="names"/> to the graph outputs (names only: ONNX Runtime infers their types), skipping
    /// names that already are outputs.
    /// </summary>
    public static void ExposeOutputs(ModelProto model, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(names);
        var existing = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names)
            if (existing.Add(name)) model.Graph.Output.Add(new ValueInfoProto { Name = name });
    }

    /// <summary>The initializer called <paramref name="name"/>.</summary>
    /// <exception cref="OnnxModelException">There is none.</exception>
    public static TensorProto Initializer(ModelProto model, string name, string sourceName = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Graph.Initializer.FirstOrDefault(t => t.Name == name)
            ?? throw new OnnxModelException(sourceName, "missing initializer", $"an initializer named '{name}'", "none");
    }

    private static DownProjection Describe(NodeProto node, int layer, Dictionary<string, TensorProto> initializers,
        Dictionary<string, NodeProto> producers, Dictionary<string, List<NodeProto>> consumers, string source)
    {
        string what = $"layer {layer} down-projection '{node.Name}'";
        if (node.Input.Count < 2)
            throw new OnnxModelException(source, what, "an activation input and a weight input", $"{node.Input.Count} inputs");
        bool transposed = false;
        string weightName = node.Input[1];
        if (!initializers.ContainsKey(weightName) && producers.TryGetValue(weightName, out var producer)
            && producer.OpType == "Transpose" && producer.Input.Count == 1 && initializers.ContainsKey(producer.Input[0]))
        {
            var perm = producer.Attribute.FirstOrDefault(a => a.Name == "perm");
            if (perm is null || perm.Ints.SequenceEqual([1L, 0L]))
            {
                weightName = producer.Input[0];
                transposed = true;
            }
        }
        if (!initializers.TryGetValue(weightName, out var weight))
            throw new OnnxModelException(source, what, "a weight input that is an initializer (or Transpose of one)", $"'{node.Input[1]}' computed by another node");
        if (weight.Dims.Count != 2 || weight.DataType != (int)TensorProto.Types.DataType.Float)
            throw new OnnxModelException(source, what, "a 2-D float32 weight", $"'{weightName}' of type {weight.DataType} with shape [{string.Join(", ", weight.Dims)}]");
        if (node.OpType == "Gemm")
        {
            long Attr(string n) => node.Attribute.FirstOrDefault(a => a.Name == n)?.I ?? 0;
            if (Attr("transA") != 0)
                throw new OnnxModelException(source, what, "a Gemm with transA = 0", "transA = 1");
            if (Attr("transB") != 0) transposed = !transposed;
        }
        var layout = transposed ? WeightLayout.OutIn : WeightLayout.InOut;
        int inFeatures = (int)(layout == WeightLayout.InOut ? weight.Dims[0] : weight.Dims[1]);
        int outFeatures = (int)(layout == WeightLayout.InOut ? weight.Dims[1] : weight.Dims[0]);
        string value = node.Output[0];
        // A MatMul's bias, when the model has one, is the Add that consumes it with an initializer operand.
        if (node.OpType == "MatMul" && consumers.TryGetValue(value, out var users) && users.Count == 1 && users[0].OpType == "Add"
            && users[0].Input.Any(initializers.ContainsKey))
            value = users[0].Output[0];
        return new DownProjection(layer, node.Name, node.OpType, node.Input[0], value, weightName, layout, inFeatures, outFeatures);
    }
}
