using System.Globalization;
using Google.Protobuf;
using Onnx;
using RlsEdit.Models;

namespace RlsEdit.Onnx;

/// <summary>
/// Accumulates the nodes and initializers of an exported graph. Every node output is named
/// "{node}_output_{i}" like torch.onnx, so scope paths in node names are also the tensor names the locator reads.
/// </summary>
internal sealed class OnnxGraphBuilder(IReadOnlyDictionary<string, Parameter<float>> parameters, Func<string, string> initializerName)
{
    private readonly HashSet<string> _weights = new(StringComparer.Ordinal);
    public List<TensorProto> Initializers { get; } = [];
    public List<NodeProto> Nodes { get; } = [];

    /// <summary>The model parameter <paramref name="canonical"/> as an initializer (added once), in its file layout.</summary>
    public string Weight(string canonical)
    {
        string name = initializerName(canonical);
        if (_weights.Add(name))
        {
            var p = parameters[canonical];
            Initializers.Add(OnnxTensors.FromFloats(name, p.Value.Data, p.Shape.Select(x => (long)x).ToArray()));
        }
        return name;
    }

    public bool Has(string canonical) => parameters.ContainsKey(canonical);

    public string Int64s(string name, long[] values)
    {
        Initializers.Add(OnnxTensors.FromInt64(name, values, values.Length));
        return name;
    }

    public string Int64Scalar(string name, long value)
    {
        Initializers.Add(OnnxTensors.FromInt64(name, [value]));
        return name;
    }

    public string Float(string name, float value)
    {
        Initializers.Add(OnnxTensors.FromFloats(name, [value]));
        return name;
    }

    public string Floats(string name, float[] values, params long[] dims)
    {
        Initializers.Add(OnnxTensors.FromFloats(name, values, dims));
        return name;
    }

    public string Node(string name, string op, string[] inputs, params (string Name, object Value)[] attributes) =>
        NodeOutputs(name, op, inputs, 1, attributes)[0];

    /// <summary>A node whose single output gets the fixed name <paramref name="output"/> (graph outputs).</summary>
    public string Node(string name, string op, string[] inputs, string output)
    {
        var node = new NodeProto { Name = name, OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        Nodes.Add(node);
        return output;
    }

    public string[] NodeOutputs(string name, string op, string[] inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = op };
        node.Input.AddRange(inputs);
        for (int i = 0; i < outputs; i++) node.Output.Add($"{name}_output_{i.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (attr, value) in attributes)
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = attr, Type = AttributeProto.Types.AttributeType.Int, I = i },
                float f => new AttributeProto { Name = attr, Type = AttributeProto.Types.AttributeType.Float, F = f },
                long[] ints => new AttributeProto { Name = attr, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
                _ => throw new ArgumentException($"unsupported attribute type {value.GetType().Name}"),
            });
        Nodes.Add(node);
        return [.. node.Output];
    }

    /// <summary>
    /// Positions and the attention pattern from <c>attention_mask</c> [B, T] (1 = token, 0 = padding), for left- or
    /// right-padded batches. Positions count real tokens: cumsum(mask) − 1, clamped at 0 for leading padding, so a
    /// left-padded sequence's first token sits at position 0 as it would unpadded. <c>Allowed</c> [B, 1, T, T] is true
    /// where query t may read key s: s ≤ t and s is a real token.
    /// </summary>
    public (string Positions, string Allowed) MaskAndPositions(string scope, int context)
    {
        var mask = Node(scope + "/Cast", "Cast", ["attention_mask"], ("to", (long)TensorProto.Types.DataType.Bool));
        var keyMask = Node(scope + "/Unsqueeze", "Unsqueeze", [mask, Int64s(scope + "/mask_axes", [1, 2])]); // [B, 1, 1, T]
        var causalTable = new byte[context * context];
        for (int i = 0; i < context; i++)
            for (int j = 0; j <= i; j++) causalTable[i * context + j] = 1;
        var table = new TensorProto { Name = scope + "/causal_table", DataType = (int)TensorProto.Types.DataType.Bool, RawData = ByteString.CopyFrom(causalTable) };
        table.Dims.AddRange([context, context]);
        Initializers.Add(table);
        var length = Node(scope + "/Gather", "Gather", [Node(scope + "/Shape", "Shape", ["input_ids"]), Int64s(scope + "/one", [1])]); // [1] = T
        var ends = Node(scope + "/Concat", "Concat", [length, length], ("axis", 0L));
        var causal = Node(scope + "/Slice", "Slice", [table.Name, Int64s(scope + "/starts", [0, 0]), ends, Int64s(scope + "/axes", [0, 1])]); // [T, T]
        var allowed = Node(scope + "/And", "And", [causal, keyMask]);
        var counted = Node(scope + "/CumSum", "CumSum", ["attention_mask", Int64Scalar(scope + "/seq_axis", 1)]);
        var positions = Node(scope + "/Max", "Max", [Node(scope + "/Sub", "Sub", [counted, Int64Scalar(scope + "/first", 1)]), Int64Scalar(scope + "/zero", 0)]);
        return (positions, allowed);
    }

    /// <summary>
    /// softmax(scores where allowed, else the lowest float) over the last axis. A finite fill keeps rows with no allowed
    /// key (left padding) finite, so their garbage never turns into NaN that 0·NaN would spread into real rows.
    /// </summary>
    public string MaskedSoftmax(string scope, string scores, string allowed)
    {
        var lowest = Float(scope + "/mask_fill", float.MinValue);
        return Node(scope + "/Softmax", "Softmax", [Node(scope + "/Where", "Where", [allowed, scores, lowest])], ("axis", -1L));
    }

    /// <summary>The finished ModelProto: opset 17, inputs <c>input_ids</c> and <c>attention_mask</c> [batch, sequence] int64, output <c>logits</c>.</summary>
    public ModelProto Build(string graphName, int vocabulary)
    {
        var graph = new GraphProto { Name = graphName };
        graph.Input.Add(TensorInfo("input_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Input.Add(TensorInfo("attention_mask", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Output.Add(TensorInfo("logits", TensorProto.Types.DataType.Float, "batch", "sequence", vocabulary.ToString(CultureInfo.InvariantCulture)));
        graph.Initializer.AddRange(Initializers);
        graph.Node.AddRange(Nodes);
        var proto = new ModelProto { IrVersion = 8, ProducerName = "RlsEdit.Onnx", Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return proto;
    }

    private static ValueInfoProto TensorInfo(string name, TensorProto.Types.DataType type, params string[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(long.TryParse(dim, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
                ? new TensorShapeProto.Types.Dimension { DimValue = n }
                : new TensorShapeProto.Types.Dimension { DimParam = dim });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
