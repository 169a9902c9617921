using System.Globalization;
using Onnx;
using RlsEdit.Models;

namespace RlsEdit.Onnx;

/// <summary>
/// Writes a GPT-2 family <see cref="TransformerModel{T}"/> as an ONNX graph of standard opset-17 operators
/// (Gather, LayerNormalization, MatMul, Add, Split, Reshape, Transpose, Softmax, Tanh…). Input <c>input_ids</c>
/// [batch, sequence] int64, output <c>logits</c> [batch, sequence, V]. Node names follow torch.onnx's scopes
/// (<c>/transformer/h.{L}/mlp/c_proj/MatMul</c>), so <see cref="OnnxGraph.FindDownProjections"/> finds the MLP.
/// </summary>
public static class Gpt2OnnxExporter
{
    /// <summary>The ONNX ModelProto for <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The model is not a GPT-2 family model.</exception>
    public static ModelProto Export(TransformerModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        if (c.Architecture != ModelArchitecture.Gpt2)
            throw new NotSupportedException($"Gpt2OnnxExporter: only GPT-2 models are exported; this one is '{c.ModelType}'.");
        var b = new Builder(model.ParametersByCanonicalName);
        int d = c.HiddenSize, h = c.HeadCount, hd = c.HeadDim, ctx = c.MaxSequenceLength;

        // Embeddings: wte[ids] + wpe[0..T): [B, T, D]
        var emb = b.Node("/transformer/wte/Gather", "Gather", [b.Weight("wte.weight"), "input_ids"]);
        var shape = b.Node("/transformer/Shape", "Shape", ["input_ids"]);
        var length = b.Node("/transformer/Gather", "Gather", [shape, b.Int64s("/transformer/one", [1])]); // [1] = T
        var lengthScalar = b.Node("/transformer/Squeeze", "Squeeze", [length, b.Int64s("/transformer/axis0", [0])]);
        var positions = b.Node("/transformer/Range", "Range", [b.Int64Scalar("/transformer/zero", 0), lengthScalar, b.Int64Scalar("/transformer/step", 1)]);
        var pos = b.Node("/transformer/wpe/Gather", "Gather", [b.Weight("wpe.weight"), positions]);
        var x = b.Node("/transformer/Add", "Add", [emb, pos]);

        // Additive causal mask [T, T]: 0 on and below the diagonal, −∞ above, cut from a [ctx, ctx] constant.
        var mask = new float[ctx * ctx];
        for (int i = 0; i < ctx; i++)
            for (int j = i + 1; j < ctx; j++) mask[i * ctx + j] = float.NegativeInfinity;
        b.Initializers.Add(OnnxTensors.FromFloats("causal_mask", mask, ctx, ctx));
        var ends = b.Node("/transformer/Concat", "Concat", [length, length], ("axis", 0L));
        var causal = b.Node("/transformer/Slice", "Slice", ["causal_mask", b.Int64s("/transformer/starts", [0, 0]), ends, b.Int64s("/transformer/axes", [0, 1])]);

        var scale = b.Float("/transformer/attn_scale", 1f / MathF.Sqrt(hd));
        var heads = b.Int64s("/transformer/heads_shape", [0, 0, h, hd]);
        var merged = b.Int64s("/transformer/merged_shape", [0, 0, d]);
        var split = b.Int64s("/transformer/qkv_split", [d, d, d]);
        for (int l = 0; l < c.LayerCount; l++)
        {
            string s = $"/transformer/h.{l.ToString(CultureInfo.InvariantCulture)}", p = $"h.{l.ToString(CultureInfo.InvariantCulture)}.";
            var a = b.LayerNorm(s + "/ln_1", x, p + "ln_1", c.NormEpsilon);
            var qkv = b.Linear(s + "/attn/c_attn", a, p + "attn.c_attn");
            var parts = b.Nodes(s + "/attn/Split", "Split", [qkv, split], 3, ("axis", 2L));
            string Heads(string name, string t, long[] perm) =>
                b.Node(s + $"/attn/Transpose_{name}", "Transpose", [b.Node(s + $"/attn/Reshape_{name}", "Reshape", [t, heads])], ("perm", perm));
            var q = Heads("q", parts[0], [0, 2, 1, 3]);   // [B, H, T, hd]
            var k = Heads("k", parts[1], [0, 2, 3, 1]);   // [B, H, hd, T]
            var v = Heads("v", parts[2], [0, 2, 1, 3]);   // [B, H, T, hd]
            var scores = b.Node(s + "/attn/Add", "Add", [b.Node(s + "/attn/Mul", "Mul", [b.Node(s + "/attn/MatMul", "MatMul", [q, k]), scale]), causal]);
            var probs = b.Node(s + "/attn/Softmax", "Softmax", [scores], ("axis", -1L));
            var context = b.Node(s + "/attn/MatMul_1", "MatMul", [probs, v]);
            var y = b.Node(s + "/attn/Reshape", "Reshape", [b.Node(s + "/attn/Transpose", "Transpose", [context], ("perm", new long[] { 0, 2, 1, 3 })), merged]);
            x = b.Node(s + "/Add", "Add", [x, b.Linear(s + "/attn/c_proj", y, p + "attn.c_proj")]);
            var m = b.LayerNorm(s + "/ln_2", x, p + "ln_2", c.NormEpsilon);
            var key = b.GeluNew(s + "/mlp/act", b.Linear(s + "/mlp/c_fc", m, p + "mlp.c_fc"));
            x = b.Node(s + "/Add_1", "Add", [x, b.Linear(s + "/mlp/c_proj", key, p + "mlp.c_proj")]);
        }
        var final = b.LayerNorm("/transformer/ln_f", x, "ln_f", c.NormEpsilon);
        var head = b.Node("/lm_head/Transpose", "Transpose", [b.Weight(c.TieWordEmbeddings ? "wte.weight" : ParameterLayout.LmHead)], ("perm", new long[] { 1, 0 }));
        b.Node("/lm_head/MatMul", "MatMul", [final, head], output: "logits");

        var graph = new GraphProto { Name = "gpt2" };
        graph.Input.Add(TensorInfo("input_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Output.Add(TensorInfo("logits", TensorProto.Types.DataType.Float, "batch", "sequence", c.VocabSize.ToString(CultureInfo.InvariantCulture)));
        graph.Initializer.AddRange(b.Initializers);
        graph.Node.AddRange(b.Nodes_);
        var proto = new ModelProto { IrVersion = 8, ProducerName = "RlsEdit.Onnx", Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return proto;
    }

    /// <summary>Loads the Hugging Face folder <paramref name="modelDirectory"/> and writes its ONNX graph to <paramref name="outputPath"/> atomically.</summary>
    public static void Export(string modelDirectory, string outputPath) =>
        OnnxGraph.Save(Export(ModelFolder.Load<float>(modelDirectory)), outputPath);

    private static ValueInfoProto TensorInfo(string name, TensorProto.Types.DataType type, params string[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(long.TryParse(dim, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
                ? new TensorShapeProto.Types.Dimension { DimValue = n }
                : new TensorShapeProto.Types.Dimension { DimParam = dim });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>Accumulates nodes and initializers; every node output is named "{node}_output_{i}" like torch.onnx.</summary>
    private sealed class Builder(IReadOnlyDictionary<string, Parameter<float>> parameters)
    {
        private readonly HashSet<string> _weights = new(StringComparer.Ordinal);
        public List<TensorProto> Initializers { get; } = [];
        public List<NodeProto> Nodes_ { get; } = [];

        public string Weight(string canonical)
        {
            string name = "transformer." + canonical;
            if (canonical == ParameterLayout.LmHead) name = canonical;
            if (_weights.Add(name))
            {
                var p = parameters[canonical];
                Initializers.Add(OnnxTensors.FromFloats(name, p.Value.Data, p.Shape.Select(x => (long)x).ToArray()));
            }
            return name;
        }

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

        public string Node(string name, string op, string[] inputs, params (string Name, object Value)[] attributes) =>
            Nodes(name, op, inputs, 1, attributes)[0];

        public string Node(string name, string op, string[] inputs, string output)
        {
            var node = new NodeProto { Name = name, OpType = op };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            Nodes_.Add(node);
            return output;
        }

        public string[] Nodes(string name, string op, string[] inputs, int outputs, params (string Name, object Value)[] attributes)
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
            Nodes_.Add(node);
            return [.. node.Output];
        }

        public string LayerNorm(string scope, string x, string prefix, double eps) =>
            Node(scope + "/LayerNormalization", "LayerNormalization", [x, Weight(prefix + ".weight"), Weight(prefix + ".bias")], ("axis", -1L), ("epsilon", (float)eps));

        /// <summary>x·W + b with W stored [in, out] (GPT-2 Conv1D).</summary>
        public string Linear(string scope, string x, string prefix) =>
            Node(scope + "/Add", "Add", [Node(scope + "/MatMul", "MatMul", [x, Weight(prefix + ".weight")]), Weight(prefix + ".bias")]);

        /// <summary>½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
        public string GeluNew(string scope, string x)
        {
            var cube = Node(scope + "/Mul", "Mul", [Node(scope + "/Mul_1", "Mul", [x, x]), x]);
            var inner = Node(scope + "/Add", "Add", [x, Node(scope + "/Mul_2", "Mul", [cube, Float(scope + "/c0", 0.044715f)])]);
            var t = Node(scope + "/Tanh", "Tanh", [Node(scope + "/Mul_4", "Mul", [inner, Float(scope + "/c1", MathF.Sqrt(2f / MathF.PI))])]);
            var onePlus = Node(scope + "/Add_1", "Add", [t, Float(scope + "/c2", 1f)]);
            return Node(scope + "/Mul_3", "Mul", [Node(scope + "/Mul_5", "Mul", [x, Float(scope + "/c3", 0.5f)]), onePlus]);
        }
    }
}
