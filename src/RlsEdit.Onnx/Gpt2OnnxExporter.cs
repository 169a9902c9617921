using System.Globalization;
using Onnx;
using RlsEdit.Models;

namespace RlsEdit.Onnx;

/// <summary>
/// Writes a GPT-2 family <see cref="TransformerModel{T}"/> as an ONNX graph of standard opset-17 operators
/// (Gather, LayerNormalization, MatMul, Add, Split, Reshape, Transpose, Where, Softmax, Tanh…). Inputs <c>input_ids</c>
/// and <c>attention_mask</c> [batch, sequence] int64 (left or right padding), output <c>logits</c> [batch, sequence, V]. Node names follow torch.onnx's scopes
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
        var b = new OnnxGraphBuilder(model.ParametersByCanonicalName, canonical => canonical == ParameterLayout.LmHead ? canonical : "transformer." + canonical);
        int d = c.HiddenSize, h = c.HeadCount, hd = c.HeadDim;

        // Embeddings: wte[ids] + wpe[positions]: [B, T, D]; positions count real tokens, so left padding is transparent.
        var (positions, allowed) = b.MaskAndPositions("/transformer/mask", c.MaxSequenceLength);
        var emb = b.Node("/transformer/wte/Gather", "Gather", [b.Weight("wte.weight"), "input_ids"]);
        var pos = b.Node("/transformer/wpe/Gather", "Gather", [b.Weight("wpe.weight"), positions]);
        var x = b.Node("/transformer/Add", "Add", [emb, pos]);

        var scale = b.Float("/transformer/attn_scale", 1f / MathF.Sqrt(hd));
        var heads = b.Int64s("/transformer/heads_shape", [0, 0, h, hd]);
        var merged = b.Int64s("/transformer/merged_shape", [0, 0, d]);
        var split = b.Int64s("/transformer/qkv_split", [d, d, d]);
        for (int l = 0; l < c.LayerCount; l++)
        {
            string s = $"/transformer/h.{l.ToString(CultureInfo.InvariantCulture)}", p = $"h.{l.ToString(CultureInfo.InvariantCulture)}.";
            var a = LayerNorm(b, s + "/ln_1", x, p + "ln_1", c.NormEpsilon);
            var qkv = Linear(b, s + "/attn/c_attn", a, p + "attn.c_attn");
            var parts = b.NodeOutputs(s + "/attn/Split", "Split", [qkv, split], 3, ("axis", 2L));
            string Heads(string name, string t, long[] perm) =>
                b.Node(s + $"/attn/Transpose_{name}", "Transpose", [b.Node(s + $"/attn/Reshape_{name}", "Reshape", [t, heads])], ("perm", perm));
            var q = Heads("q", parts[0], [0, 2, 1, 3]);   // [B, H, T, hd]
            var k = Heads("k", parts[1], [0, 2, 3, 1]);   // [B, H, hd, T]
            var v = Heads("v", parts[2], [0, 2, 1, 3]);   // [B, H, T, hd]
            var scores = b.Node(s + "/attn/Mul", "Mul", [b.Node(s + "/attn/MatMul", "MatMul", [q, k]), scale]);
            var probs = b.MaskedSoftmax(s + "/attn", scores, allowed);
            var context = b.Node(s + "/attn/MatMul_1", "MatMul", [probs, v]);
            var y = b.Node(s + "/attn/Reshape", "Reshape", [b.Node(s + "/attn/Transpose", "Transpose", [context], ("perm", new long[] { 0, 2, 1, 3 })), merged]);
            x = b.Node(s + "/Add", "Add", [x, Linear(b, s + "/attn/c_proj", y, p + "attn.c_proj")]);
            var m = LayerNorm(b, s + "/ln_2", x, p + "ln_2", c.NormEpsilon);
            var key = GeluNew(b, s + "/mlp/act", Linear(b, s + "/mlp/c_fc", m, p + "mlp.c_fc"));
            x = b.Node(s + "/Add_1", "Add", [x, Linear(b, s + "/mlp/c_proj", key, p + "mlp.c_proj")]);
        }
        var final = LayerNorm(b, "/transformer/ln_f", x, "ln_f", c.NormEpsilon);
        var head = b.Node("/lm_head/Transpose", "Transpose", [b.Weight(c.TieWordEmbeddings ? "wte.weight" : ParameterLayout.LmHead)], ("perm", new long[] { 1, 0 }));
        b.Node("/lm_head/MatMul", "MatMul", [final, head], output: "logits");
        return b.Build("gpt2", c.VocabSize);
    }

    private static string LayerNorm(OnnxGraphBuilder b, string scope, string x, string prefix, double eps) =>
        b.Node(scope + "/LayerNormalization", "LayerNormalization", [x, b.Weight(prefix + ".weight"), b.Weight(prefix + ".bias")], ("axis", -1L), ("epsilon", (float)eps));

    /// <summary>x·W + b with W stored [in, out] (GPT-2 Conv1D).</summary>
    private static string Linear(OnnxGraphBuilder b, string scope, string x, string prefix) =>
        b.Node(scope + "/Add", "Add", [b.Node(scope + "/MatMul", "MatMul", [x, b.Weight(prefix + ".weight")]), b.Weight(prefix + ".bias")]);

    /// <summary>½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    private static string GeluNew(OnnxGraphBuilder b, string scope, string x)
    {
        var cube = b.Node(scope + "/Mul", "Mul", [b.Node(scope + "/Mul_1", "Mul", [x, x]), x]);
        var inner = b.Node(scope + "/Add", "Add", [x, b.Node(scope + "/Mul_2", "Mul", [cube, b.Float(scope + "/c0", 0.044715f)])]);
        var t = b.Node(scope + "/Tanh", "Tanh", [b.Node(scope + "/Mul_4", "Mul", [inner, b.Float(scope + "/c1", MathF.Sqrt(2f / MathF.PI))])]);
        var onePlus = b.Node(scope + "/Add_1", "Add", [t, b.Float(scope + "/c2", 1f)]);
        return b.Node(scope + "/Mul_3", "Mul", [b.Node(scope + "/Mul_5", "Mul", [x, b.Float(scope + "/c3", 0.5f)]), onePlus]);
    }
}
