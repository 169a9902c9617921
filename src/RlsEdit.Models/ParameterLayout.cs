namespace RlsEdit.Models;

/// <summary>
/// The tensors a model of a given <see cref="ModelConfig"/> needs, under canonical Hugging Face names (GPT-2
/// names without the <c>transformer.</c> prefix) and with their file shapes.
/// </summary>
public static class ParameterLayout
{
    /// <summary>The LM head's canonical name; present only when the head is not tied to the embedding.</summary>
    public const string LmHead = "lm_head.weight";

    /// <summary>Every required tensor as (canonical name, shape), embeddings first, in a stable order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Expected(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = new List<(string, int[])>();
        int v = config.VocabSize, d = config.HiddenSize, f = config.IntermediateSize;
        int q = config.HeadCount * config.HeadDim, kv = config.KeyValueHeadCount * config.HeadDim;
        if (config.Architecture == ModelArchitecture.Gpt2)
        {
            list.Add(("wte.weight", [v, d]));
            list.Add(("wpe.weight", [config.MaxSequenceLength, d]));
            for (int i = 0; i < config.LayerCount; i++)
            {
                string p = $"h.{i}.";
                list.Add((p + "ln_1.weight", [d])); list.Add((p + "ln_1.bias", [d]));
                list.Add((p + "attn.c_attn.weight", [d, 3 * d])); list.Add((p + "attn.c_attn.bias", [3 * d]));
                list.Add((p + "attn.c_proj.weight", [d, d])); list.Add((p + "attn.c_proj.bias", [d]));
                list.Add((p + "ln_2.weight", [d])); list.Add((p + "ln_2.bias", [d]));
                list.Add((p + "mlp.c_fc.weight", [d, f])); list.Add((p + "mlp.c_fc.bias", [f]));
                list.Add((p + "mlp.c_proj.weight", [f, d])); list.Add((p + "mlp.c_proj.bias", [d]));
            }
            list.Add(("ln_f.weight", [d])); list.Add(("ln_f.bias", [d]));
        }
        else
        {
            list.Add(("model.embed_tokens.weight", [v, d]));
            for (int i = 0; i < config.LayerCount; i++)
            {
                string p = $"model.layers.{i}.";
                list.Add((p + "input_layernorm.weight", [d]));
                foreach (var (name, rows) in new[] { ("q_proj", q), ("k_proj", kv), ("v_proj", kv) })
                {
                    list.Add((p + $"self_attn.{name}.weight", [rows, d]));
                    if (config.QkvBias) list.Add((p + $"self_attn.{name}.bias", [rows]));
                }
                list.Add((p + "self_attn.o_proj.weight", [d, q]));
                if (config.OutputBias) list.Add((p + "self_attn.o_proj.bias", [d]));
                list.Add((p + "post_attention_layernorm.weight", [d]));
                list.Add((p + "mlp.gate_proj.weight", [f, d]));
                list.Add((p + "mlp.up_proj.weight", [f, d]));
                list.Add((p + "mlp.down_proj.weight", [d, f]));
                if (config.MlpBias)
                {
                    list.Add((p + "mlp.gate_proj.bias", [f])); list.Add((p + "mlp.up_proj.bias", [f])); list.Add((p + "mlp.down_proj.bias", [d]));
                }
            }
            list.Add(("model.norm.weight", [d]));
        }
        if (!config.TieWordEmbeddings) list.Add((LmHead, [v, d]));
        return list;
    }

    /// <summary>The canonical name of a file tensor name (strips GPT-2's <c>transformer.</c> prefix).</summary>
    public static string Canonical(ModelConfig config, string fileName)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(fileName);
        return config.Architecture == ModelArchitecture.Gpt2 && fileName.StartsWith("transformer.", StringComparison.Ordinal)
            ? fileName["transformer.".Length..] : fileName;
    }

    /// <summary>True for buffers checkpoints carry that are not weights (GPT-2's causal-mask buffers, RoPE frequency caches).</summary>
    public static bool IsIgnoredBuffer(string canonicalName) =>
        canonicalName.EndsWith(".attn.bias", StringComparison.Ordinal)
        || canonicalName.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
        || canonicalName.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal);

    /// <summary>The canonical name of the MLP down-projection weight of <paramref name="layer"/> (the edited matrix).</summary>
    public static string DownProjection(ModelConfig config, int layer)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Architecture == ModelArchitecture.Gpt2 ? $"h.{layer}.mlp.c_proj.weight" : $"model.layers.{layer}.mlp.down_proj.weight";
    }
}
