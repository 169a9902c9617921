using System.Text.Json;

namespace RlsEdit.Models;

/// <summary>
/// The architecture hyper-parameters read from a Hugging Face <c>config.json</c>, normalised across model types.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The <c>model_type</c> string (gpt2, llama, qwen2, mistral).</summary>
    public required string ModelType { get; init; }
    /// <summary>Which block family implements it.</summary>
    public required ModelArchitecture Architecture { get; init; }
    /// <summary>Vocabulary size V.</summary>
    public required int VocabSize { get; init; }
    /// <summary>Residual width D.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Number of blocks.</summary>
    public required int LayerCount { get; init; }
    /// <summary>Number of query heads H.</summary>
    public required int HeadCount { get; init; }
    /// <summary>Number of key/value heads (H for GPT-2; fewer under grouped-query attention).</summary>
    public required int KeyValueHeadCount { get; init; }
    /// <summary>Width of one head.</summary>
    public required int HeadDim { get; init; }
    /// <summary>MLP inner width F (the key dimension d_k of the down-projection).</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>Longest sequence (prompt + generated) the model accepts.</summary>
    public required int MaxSequenceLength { get; init; }
    /// <summary>Normalisation epsilon.</summary>
    public required double NormEpsilon { get; init; }
    /// <summary>RoPE base θ (Llama family only).</summary>
    public double RopeTheta { get; init; } = 10000;
    /// <summary>RoPE frequency scaling (Llama family), or null for plain RoPE.</summary>
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>Whether the LM head shares the token embedding matrix.</summary>
    public required bool TieWordEmbeddings { get; init; }
    /// <summary>Whether q/k/v projections have biases (Qwen2; Llama with attention_bias).</summary>
    public bool QkvBias { get; init; }
    /// <summary>Whether the attention output projection has a bias (GPT-2; Llama with attention_bias).</summary>
    public bool OutputBias { get; init; }
    /// <summary>Whether MLP projections have biases (GPT-2; Llama with mlp_bias).</summary>
    public bool MlpBias { get; init; }
    /// <summary>Beginning-of-sequence token id, when the config names one.</summary>
    public int? BosTokenId { get; init; }
    /// <summary>End-of-sequence token id, when the config names one.</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">Not JSON, an unsupported model type or option, or a missing/invalid field.</exception>
    public static ModelConfig Load(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON ({e.Message}).", e);
        }
        using (doc)
            return Parse(path, doc.RootElement);
    }

    /// <summary>Parses a config object; <paramref name="path"/> is used in error messages.</summary>
    public static ModelConfig Parse(string path, JsonElement root)
    {
        var r = new Reader(path, root);
        string modelType = r.RequiredString("model_type");
        var config = modelType switch
        {
            "gpt2" => ParseGpt2(r, modelType),
            "llama" or "qwen2" or "mistral" => ParseLlama(r, modelType),
            _ => throw new ModelFormatException(path, $"model_type '{modelType}' is not supported (expected gpt2, llama, qwen2 or mistral)."),
        };
        config.Validate(path);
        return config;
    }

    private static ModelConfig ParseGpt2(Reader r, string modelType)
    {
        string act = r.OptionalString("activation_function") ?? "gelu_new";
        if (act is not ("gelu_new" or "gelu_pytorch_tanh"))
            throw new ModelFormatException(r.Path, $"activation_function '{act}' is not supported (expected gelu_new).");
        if (r.OptionalBool("scale_attn_by_inverse_layer_idx") == true || r.OptionalBool("reorder_and_upcast_attn") == true)
            throw new ModelFormatException(r.Path, "scale_attn_by_inverse_layer_idx / reorder_and_upcast_attn are not supported.");
        if (r.OptionalBool("scale_attn_weights") == false)
            throw new ModelFormatException(r.Path, "scale_attn_weights = false is not supported.");
        int d = r.RequiredInt("n_embd");
        int heads = r.RequiredInt("n_head");
        return new ModelConfig
        {
            ModelType = modelType,
            Architecture = ModelArchitecture.Gpt2,
            VocabSize = r.RequiredInt("vocab_size"),
            HiddenSize = d,
            LayerCount = r.RequiredInt("n_layer"),
            HeadCount = heads,
            KeyValueHeadCount = heads,
            HeadDim = heads > 0 ? d / heads : 0,
            IntermediateSize = r.OptionalInt("n_inner") ?? 4 * d,
            MaxSequenceLength = r.RequiredInt("n_positions"),
            NormEpsilon = r.OptionalDouble("layer_norm_epsilon") ?? 1e-5,
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? true,
            QkvBias = true,
            OutputBias = true,
            MlpBias = true,
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenId = r.OptionalInt("eos_token_id"),
        };
    }

    private static ModelConfig ParseLlama(Reader r, string modelType)
    {
        string act = r.OptionalString("hidden_act") ?? "silu";
        if (act != "silu")
            throw new ModelFormatException(r.Path, $"hidden_act '{act}' is not supported (expected silu).");
        var ropeScaling = ParseRopeScaling(r);
        int d = r.RequiredInt("hidden_size");
        int heads = r.RequiredInt("num_attention_heads");
        int maxLength = r.RequiredInt("max_position_embeddings");
        // A sliding window equals full attention for sequences no longer than the window, so cap the context there.
        bool windowed = modelType == "mistral" || (modelType == "qwen2" && r.OptionalBool("use_sliding_window") == true);
        if (windowed && r.OptionalInt("sliding_window") is int window && window < maxLength)
            maxLength = window;
        bool qwen = modelType == "qwen2";
        bool attentionBias = r.OptionalBool("attention_bias") ?? false;
        return new ModelConfig
        {
            ModelType = modelType,
            Architecture = ModelArchitecture.Llama,
            VocabSize = r.RequiredInt("vocab_size"),
            HiddenSize = d,
            LayerCount = r.RequiredInt("num_hidden_layers"),
            HeadCount = heads,
            KeyValueHeadCount = r.OptionalInt("num_key_value_heads") ?? heads,
            HeadDim = r.OptionalInt("head_dim") ?? (heads > 0 ? d / heads : 0),
            IntermediateSize = r.RequiredInt("intermediate_size"),
            MaxSequenceLength = maxLength,
            NormEpsilon = r.OptionalDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = r.OptionalDouble("rope_theta") ?? 10000,
            RopeScaling = ropeScaling,
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = qwen || attentionBias,
            OutputBias = !qwen && attentionBias,
            MlpBias = !qwen && (r.OptionalBool("mlp_bias") ?? false),
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenId = r.OptionalInt("eos_token_id"),
        };
    }

    private static RopeScaling? ParseRopeScaling(Reader r)
    {
        if (!r.Root.TryGetProperty("rope_scaling", out var scaling) || scaling.ValueKind == JsonValueKind.Null) return null;
        if (scaling.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(r.Path, $"rope_scaling must be an object or null, got {scaling.GetRawText()}.");
        var s = new Reader(r.Path, scaling);
        string type = s.OptionalString("rope_type") ?? s.OptionalString("type") ?? "default";
        RopeScaling? result = type switch
        {
            "default" => null,
            "linear" => new RopeScaling(type, s.OptionalDouble("factor") ?? throw new ModelFormatException(r.Path, "rope_scaling.factor is missing.")),
            "llama3" => new RopeScaling(type,
                s.OptionalDouble("factor") ?? throw new ModelFormatException(r.Path, "rope_scaling.factor is missing."),
                s.OptionalDouble("low_freq_factor") ?? throw new ModelFormatException(r.Path, "rope_scaling.low_freq_factor is missing."),
                s.OptionalDouble("high_freq_factor") ?? throw new ModelFormatException(r.Path, "rope_scaling.high_freq_factor is missing."),
                s.OptionalInt("original_max_position_embeddings") ?? throw new ModelFormatException(r.Path, "rope_scaling.original_max_position_embeddings is missing.")),
            _ => throw new ModelFormatException(r.Path, $"rope_scaling of type '{type}' is not supported (default, linear and llama3 are)."),
        };
        if (result is not null && (!(result.Factor > 0) || !(result.HighFrequencyFactor > result.LowFrequencyFactor) || result.OriginalMaxPositions <= 0))
            throw new ModelFormatException(r.Path, $"rope_scaling needs factor > 0, high_freq_factor > low_freq_factor and original_max_position_embeddings > 0, got {scaling.GetRawText()}.");
        return result;
    }

    private void Validate(string path)
    {
        void Positive(int value, string name)
        {
            if (value <= 0) throw new ModelFormatException(path, $"{name} must be positive, got {value}.");
        }
        Positive(VocabSize, "vocab size");
        Positive(HiddenSize, "hidden size");
        Positive(LayerCount, "layer count");
        Positive(HeadCount, "head count");
        Positive(KeyValueHeadCount, "key/value head count");
        Positive(HeadDim, "head dim");
        Positive(IntermediateSize, "intermediate size");
        Positive(MaxSequenceLength, "maximum sequence length");
        if (HeadCount % KeyValueHeadCount != 0)
            throw new ModelFormatException(path, $"the number of attention heads ({HeadCount}) must be a multiple of the key/value heads ({KeyValueHeadCount}).");
        if (Architecture == ModelArchitecture.Gpt2 && HeadDim * HeadCount != HiddenSize)
            throw new ModelFormatException(path, $"n_embd ({HiddenSize}) must be divisible by n_head ({HeadCount}).");
        if (Architecture == ModelArchitecture.Llama && HeadDim % 2 != 0)
            throw new ModelFormatException(path, $"RoPE needs an even head dim, got {HeadDim}.");
        if (!(NormEpsilon > 0) || !(RopeTheta > 0))
            throw new ModelFormatException(path, $"the norm epsilon ({NormEpsilon}) and rope_theta ({RopeTheta}) must be positive.");
    }

    private sealed class Reader(string path, JsonElement root)
    {
        public string Path { get; } = path;
        public JsonElement Root { get; } = root.ValueKind == JsonValueKind.Object ? root
            : throw new ModelFormatException(path, $"the config must be a JSON object, got {root.ValueKind}.");

        public bool Has(string name) => Root.TryGetProperty(name, out _);

        private JsonElement? Get(string name) =>
            Root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

        public string RequiredString(string name) => OptionalString(name)
            ?? throw new ModelFormatException(Path, $"the required field '{name}' is missing.");

        public string? OptionalString(string name) => Get(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } e => e.GetString(),
            var e => throw new ModelFormatException(Path, $"field '{name}' must be a string, got {e.Value.GetRawText()}."),
        };

        public int RequiredInt(string name) => OptionalInt(name)
            ?? throw new ModelFormatException(Path, $"the required field '{name}' is missing.");

        public int? OptionalInt(string name)
        {
            var e = Get(name);
            if (e is null) return null;
            // eos_token_id may be a list in newer configs; the first entry is the primary one.
            if (e.Value.ValueKind == JsonValueKind.Array && e.Value.GetArrayLength() > 0) e = e.Value[0];
            return e.Value.ValueKind == JsonValueKind.Number && e.Value.TryGetInt32(out int v) ? v
                : throw new ModelFormatException(Path, $"field '{name}' must be an integer, got {e.Value.GetRawText()}.");
        }

        public double? OptionalDouble(string name)
        {
            var e = Get(name);
            if (e is null) return null;
            return e.Value.ValueKind == JsonValueKind.Number ? e.Value.GetDouble()
                : throw new ModelFormatException(Path, $"field '{name}' must be a number, got {e.Value.GetRawText()}.");
        }

        public bool? OptionalBool(string name)
        {
            var e = Get(name);
            if (e is null) return null;
            return e.Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ModelFormatException(Path, $"field '{name}' must be true or false, got {e.Value.GetRawText()}."),
            };
        }
    }
}
