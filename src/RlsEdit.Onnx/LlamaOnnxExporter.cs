using System.Globalization;
using Onnx;
using RlsEdit.Models;

namespace RlsEdit.Onnx;

/// <summary>
/// Writes a Llama-family <see cref="TransformerModel{T}"/> (Llama, Qwen2, Mistral) as an ONNX graph of standard
/// opset-17 operators: RMSNorm as x / √(ReduceMean(x²) + ε) · w, rotary embeddings from [context, head dim] cos/sin
/// tables built with the config's rope_theta and rope_scaling, grouped-query attention by Expand of the key/value heads,
/// the SiLU-gated MLP, q/k/v (and o/MLP) biases where the config has them, tied or untied LM head.
/// Inputs <c>input_ids</c> and <c>attention_mask</c> [batch, sequence] int64; output <c>logits</c> [batch, sequence, V].
/// Weights keep their Hugging Face names and out×in layout, read through <c>Transpose</c> nodes that ONNX Runtime folds;
/// node names follow torch.onnx's scopes (<c>/model/layers.{L}/mlp/down_proj/MatMul</c>), so
/// <see cref="OnnxGraph.FindDownProjections"/> finds the MLP.
/// </summary>
public static class LlamaOnnxExporter
{
    /// <summary>The ONNX ModelProto for <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The model is not a Llama-family model.</exception>
    public static ModelProto Export(TransformerModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        if (c.Architecture != ModelArchitecture.Llama)
            throw new NotSupportedException($"LlamaOnnxExporter: only Llama-family models are exported; this one is '{c.ModelType}'.");
        var b = new OnnxGraphBuilder(model.ParametersByCanonicalName, canonical => canonical);
        int h = c.HeadCount, kvh = c.KeyValueHeadCount, hd = c.HeadDim;

        var (positions, allowed) = b.MaskAndPositions("/model/mask", c.MaxSequenceLength);
        var x = b.Node("/model/embed_tokens/Gather", "Gather", [b.Weight("model.embed_tokens.weight"), "input_ids"]); // [B, T, D]
        var (cosTable, sinTable) = RopeTables(c);
        var rotaryAxis = b.Int64s("/model/rotary_emb/axis", [1]);
        // cos, sin: [B, 1, T, hd], broadcast over heads
        var cos = b.Node("/model/rotary_emb/Unsqueeze", "Unsqueeze", [b.Node("/model/rotary_emb/Gather", "Gather", [b.Floats("/model/rotary_emb/cos_table", cosTable, c.MaxSequenceLength, hd), positions]), rotaryAxis]);
        var sin = b.Node("/model/rotary_emb/Unsqueeze_1", "Unsqueeze", [b.Node("/model/rotary_emb/Gather_1", "Gather", [b.Floats("/model/rotary_emb/sin_table", sinTable, c.MaxSequenceLength, hd), positions]), rotaryAxis]);

        var scale = b.Float("/model/attn_scale", 1f / MathF.Sqrt(hd));
        var queryHeads = b.Int64s("/model/query_heads_shape", [0, 0, h, hd]);
        var kvHeads = b.Int64s("/model/kv_heads_shape", [0, 0, kvh, hd]);
        var merged = b.Int64s("/model/merged_shape", [0, 0, h * hd]);
        var halves = b.Int64s("/model/rotary_halves", [hd / 2, hd / 2]);
        var repeat = b.Int64s("/model/kv_repeat", [1, 1, h / kvh, 1, 1]);
        var repeatAxis = b.Int64s("/model/kv_repeat_axis", [2]);
        var repeatedShape = b.Int64s("/model/kv_repeated_shape", [0, h, -1, hd]);
        for (int l = 0; l < c.LayerCount; l++)
        {
            string s = $"/model/layers.{l.ToString(CultureInfo.InvariantCulture)}", p = $"model.layers.{l.ToString(CultureInfo.InvariantCulture)}.";
            var a = RmsNorm(b, s + "/input_layernorm", x, p + "input_layernorm.weight", c.NormEpsilon);

            // [B, T, n·hd] → [B, n, T, hd]
            string Heads(string name, string shape) => b.Node(s + $"/self_attn/Transpose_{name}", "Transpose",
                [b.Node(s + $"/self_attn/Reshape_{name}", "Reshape", [Linear(b, s + $"/self_attn/{name}_proj", a, p + $"self_attn.{name}_proj"), shape])],
                ("perm", new long[] { 0, 2, 1, 3 }));
            // x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] (Hugging Face's rotate-half convention)
            string Rotate(string name, string t)
            {
                var parts = b.NodeOutputs(s + $"/self_attn/Split_{name}", "Split", [t, halves], 2, ("axis", -1L));
                var rotated = b.Node(s + $"/self_attn/Concat_{name}", "Concat", [b.Node(s + $"/self_attn/Neg_{name}", "Neg", [parts[1]]), parts[0]], ("axis", -1L));
                return b.Node(s + $"/self_attn/Add_{name}", "Add", [b.Node(s + $"/self_attn/Mul_cos_{name}", "Mul", [t, cos]), b.Node(s + $"/self_attn/Mul_sin_{name}", "Mul", [rotated, sin])]);
            }
            // Hugging Face repeat_kv: key/value head j serves query heads j·rep … j·rep + rep − 1. [B, kvh, T, hd] → [B, H, T, hd]
            string Repeat(string name, string t) => h == kvh ? t : b.Node(s + $"/self_attn/Reshape_repeat_{name}", "Reshape",
                [b.Node(s + $"/self_attn/Expand_{name}", "Expand", [b.Node(s + $"/self_attn/Unsqueeze_{name}", "Unsqueeze", [t, repeatAxis]), repeat]), repeatedShape]);

            var q = Rotate("q", Heads("q", queryHeads));
            var k = Repeat("k", Rotate("k", Heads("k", kvHeads)));
            var v = Repeat("v", Heads("v", kvHeads));
            var kT = b.Node(s + "/self_attn/Transpose_kT", "Transpose", [k], ("perm", new long[] { 0, 1, 3, 2 }));
            var scores = b.Node(s + "/self_attn/Mul", "Mul", [b.Node(s + "/self_attn/MatMul", "MatMul", [q, kT]), scale]); // [B, H, T, T]
            var probs = b.MaskedSoftmax(s + "/self_attn", scores, allowed);
            var context = b.Node(s + "/self_attn/MatMul_1", "MatMul", [probs, v]);
            var y = b.Node(s + "/self_attn/Reshape", "Reshape", [b.Node(s + "/self_attn/Transpose", "Transpose", [context], ("perm", new long[] { 0, 2, 1, 3 })), merged]);
            x = b.Node(s + "/Add", "Add", [x, Linear(b, s + "/self_attn/o_proj", y, p + "self_attn.o_proj")]);

            var m = RmsNorm(b, s + "/post_attention_layernorm", x, p + "post_attention_layernorm.weight", c.NormEpsilon);
            var gate = Linear(b, s + "/mlp/gate_proj", m, p + "mlp.gate_proj");
            var silu = b.Node(s + "/mlp/act_fn/Mul", "Mul", [gate, b.Node(s + "/mlp/act_fn/Sigmoid", "Sigmoid", [gate])]);
            var key = b.Node(s + "/mlp/Mul", "Mul", [silu, Linear(b, s + "/mlp/up_proj", m, p + "mlp.up_proj")]); // [B, T, F]
            x = b.Node(s + "/Add_1", "Add", [x, Linear(b, s + "/mlp/down_proj", key, p + "mlp.down_proj")]);
        }
        var final = RmsNorm(b, "/model/norm", x, "model.norm.weight", c.NormEpsilon);
        var head = b.Node("/lm_head/Transpose", "Transpose", [b.Weight(c.TieWordEmbeddings ? "model.embed_tokens.weight" : ParameterLayout.LmHead)], ("perm", new long[] { 1, 0 }));
        b.Node("/lm_head/MatMul", "MatMul", [final, head], output: "logits");
        return b.Build(c.ModelType, c.VocabSize);
    }

    /// <summary>cos and sin of pos·θᵢ for every position and both rotate-half slots i and i + hd/2, computed in float64 like the managed runtime.</summary>
    private static (float[] Cos, float[] Sin) RopeTables(ModelConfig c)
    {
        int hd = c.HeadDim, half = hd / 2;
        var inverseFrequency = new double[half];
        for (int i = 0; i < half; i++) inverseFrequency[i] = 1.0 / Math.Pow(c.RopeTheta, 2.0 * i / hd);
        c.RopeScaling?.Apply(inverseFrequency);
        var cos = new float[c.MaxSequenceLength * hd];
        var sin = new float[cos.Length];
        for (int pos = 0; pos < c.MaxSequenceLength; pos++)
            for (int i = 0; i < half; i++)
            {
                double angle = pos * inverseFrequency[i];
                cos[pos * hd + i] = cos[pos * hd + half + i] = (float)Math.Cos(angle);
                sin[pos * hd + i] = sin[pos * hd + half + i] = (float)Math.Sin(angle);
            }
        return (cos, sin);
    }

    /// <summary>x / √(mean(x²) + ε) · w over the last axis.</summary>
    private static string RmsNorm(OnnxGraphBuilder b, string scope, string x, string weight, double eps)
    {
        var meanSquare = b.Node(scope + "/ReduceMean", "ReduceMean", [b.Node(scope + "/Mul", "Mul", [x, x])], ("axes", new long[] { -1 }), ("keepdims", 1L));
        var rms = b.Node(scope + "/Sqrt", "Sqrt", [b.Node(scope + "/Add", "Add", [meanSquare, b.Float(scope + "/epsilon", (float)eps)])]);
        return b.Node(scope + "/Mul_1", "Mul", [b.Node(scope + "/Div", "Div", [x, rms]), b.Weight(weight)]);
    }

    /// <summary>x·Wᵀ (+ b) for an nn.Linear weight stored out×in, read through a Transpose.</summary>
    private static string Linear(OnnxGraphBuilder b, string scope, string x, string prefix)
    {
        var weightT = b.Node(scope + "/Transpose", "Transpose", [b.Weight(prefix + ".weight")], ("perm", new long[] { 1, 0 }));
        var product = b.Node(scope + "/MatMul", "MatMul", [x, weightT]);
        return b.Has(prefix + ".bias") ? b.Node(scope + "/Add", "Add", [product, b.Weight(prefix + ".bias")]) : product;
    }
}
