using System.Globalization;
using System.Numerics;
using RlsEdit.Models.Layers;
using RlsEdit.Tensors;

namespace RlsEdit.Models;

/// <summary>
/// A decoder-only transformer (GPT-2 or Llama family) with exact Hugging Face forward semantics, a backward pass
/// to any layer's residual stream and to every parameter, and an optional KV cache for generation.
/// </summary>
/// <typeparam name="T">float for inference; double for exact gradient checks.</typeparam>
public sealed class TransformerModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<string, Parameter<T>> _byCanonicalName;
    private readonly Parameter<T> _tokenEmbedding;
    private readonly Parameter<T>? _positionEmbedding;
    private readonly Block<T>[] _blocks;
    private readonly Norm<T> _finalNorm;
    private readonly Linear<T> _lmHead;

    /// <summary>The architecture.</summary>
    public ModelConfig Config { get; }

    /// <summary>Every distinct parameter, in <see cref="ParameterLayout.Expected"/> order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    private TransformerModel(ModelConfig config, Dictionary<string, Parameter<T>> byName)
    {
        Config = config;
        _byCanonicalName = byName;
        Parameters = ParameterLayout.Expected(config).Select(e => byName[e.Name]).ToArray();
        bool gpt2 = config.Architecture == ModelArchitecture.Gpt2;
        Parameter<T> P(string name) => byName[name];
        Parameter<T>? Optional(string name) => byName.GetValueOrDefault(name);
        _blocks = new Block<T>[config.LayerCount];
        if (gpt2)
        {
            _tokenEmbedding = P("wte.weight");
            _positionEmbedding = P("wpe.weight");
            for (int i = 0; i < config.LayerCount; i++)
            {
                string p = $"h.{i}.";
                Linear<T> Conv(string n) => new(P(p + n + ".weight"), P(p + n + ".bias"), storedInOut: true);
                _blocks[i] = new Block<T>(config,
                    new Norm<T>(P(p + "ln_1.weight"), P(p + "ln_1.bias"), rms: false, config.NormEpsilon),
                    new Norm<T>(P(p + "ln_2.weight"), P(p + "ln_2.bias"), rms: false, config.NormEpsilon),
                    [Conv("attn.c_attn")], Conv("attn.c_proj"), Conv("mlp.c_fc"), null, Conv("mlp.c_proj"));
            }
            _finalNorm = new Norm<T>(P("ln_f.weight"), P("ln_f.bias"), rms: false, config.NormEpsilon);
        }
        else
        {
            _tokenEmbedding = P("model.embed_tokens.weight");
            for (int i = 0; i < config.LayerCount; i++)
            {
                string p = $"model.layers.{i}.";
                Linear<T> Lin(string n) => new(P(p + n + ".weight"), Optional(p + n + ".bias"), storedInOut: false);
                _blocks[i] = new Block<T>(config,
                    new Norm<T>(P(p + "input_layernorm.weight"), null, rms: true, config.NormEpsilon),
                    new Norm<T>(P(p + "post_attention_layernorm.weight"), null, rms: true, config.NormEpsilon),
                    [Lin("self_attn.q_proj"), Lin("self_attn.k_proj"), Lin("self_attn.v_proj")], Lin("self_attn.o_proj"),
                    Lin("mlp.gate_proj"), Lin("mlp.up_proj"), Lin("mlp.down_proj"));
            }
            _finalNorm = new Norm<T>(P("model.norm.weight"), null, rms: true, config.NormEpsilon);
        }
        _lmHead = new Linear<T>(config.TieWordEmbeddings ? _tokenEmbedding : P(ParameterLayout.LmHead), null, storedInOut: false);
    }

    /// <summary>
    /// Builds a model from parameters keyed by canonical name (see <see cref="ParameterLayout"/>); every expected
    /// tensor must be present with its expected shape.
    /// </summary>
    /// <exception cref="ShapeMismatchException">A parameter has the wrong shape.</exception>
    /// <exception cref="ArgumentException">A parameter is missing.</exception>
    public static TransformerModel<T> Create(ModelConfig config, IReadOnlyDictionary<string, Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        var byName = new Dictionary<string, Parameter<T>>(StringComparer.Ordinal);
        foreach (var (name, shape) in ParameterLayout.Expected(config))
        {
            if (!parameters.TryGetValue(name, out var p))
                throw new ArgumentException($"TransformerModel.Create: the {config.ModelType} parameter '{name}' [{string.Join(", ", shape)}] is missing.", nameof(parameters));
            if (!p.Shape.SequenceEqual(shape))
                throw new ShapeMismatchException("TransformerModel.Create", name, $"[{string.Join(", ", shape)}]", $"[{string.Join(", ", p.Shape)}]");
            byName[name] = p;
        }
        return new TransformerModel<T>(config, byName);
    }

    /// <summary>A model with N(0, <paramref name="std"/>²) weights, unit norm gains and zero biases (for tests and benchmarks).</summary>
    public static TransformerModel<T> CreateRandom(ModelConfig config, int seed, double std = 0.02)
    {
        ArgumentNullException.ThrowIfNull(config);
        var rng = new Random(seed);
        var parameters = new Dictionary<string, Parameter<T>>(StringComparer.Ordinal);
        foreach (var (name, shape) in ParameterLayout.Expected(config))
        {
            var value = shape.Length == 1 ? new Matrix<T>(1, shape[0]) : new Matrix<T>(shape[0], shape[1]);
            bool isNormGain = shape.Length == 1 && (name.Contains("ln_", StringComparison.Ordinal) || name.Contains("norm", StringComparison.Ordinal)) && name.EndsWith(".weight", StringComparison.Ordinal);
            bool isBias = name.EndsWith(".bias", StringComparison.Ordinal);
            for (int i = 0; i < value.Data.Length; i++)
                value.Data[i] = isNormGain ? T.One : isBias ? T.Zero
                    : T.CreateChecked(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            string fileName = config.Architecture == ModelArchitecture.Gpt2 && name != ParameterLayout.LmHead ? "transformer." + name : name;
            parameters[name] = new Parameter<T>(fileName, shape, Safetensors.SafetensorsDType.F32, value);
        }
        return Create(config, parameters);
    }

    /// <summary>The parameter with canonical name <paramref name="canonicalName"/> (e.g. <see cref="ParameterLayout.DownProjection"/>).</summary>
    public Parameter<T> Parameter(string canonicalName) =>
        _byCanonicalName.TryGetValue(canonicalName, out var p) ? p
            : throw new ModelInputException("TransformerModel.Parameter", nameof(canonicalName), "a parameter name of this model", $"'{canonicalName}'");

    /// <summary>The parameters keyed by canonical name.</summary>
    public IReadOnlyDictionary<string, Parameter<T>> ParametersByCanonicalName => _byCanonicalName;

    /// <summary>A copy of this model in another precision (names and storage dtypes kept).</summary>
    public TransformerModel<TOther> ConvertTo<TOther>() where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        var converted = new Dictionary<string, Parameter<TOther>>(StringComparer.Ordinal);
        foreach (var (name, p) in _byCanonicalName)
        {
            var m = new Matrix<TOther>(p.Value.Rows, p.Value.Cols);
            for (int i = 0; i < m.Data.Length; i++) m.Data[i] = TOther.CreateChecked(p.Value.Data[i]);
            converted[name] = new Parameter<TOther>(p.Name, p.Shape, p.StorageDType, m);
        }
        return TransformerModel<TOther>.Create(Config, converted);
    }

    /// <summary>Sets every parameter gradient to zero.</summary>
    public void ZeroGradients()
    {
        foreach (var p in Parameters) p.ZeroGradient();
    }

    /// <summary>
    /// Runs the model on <paramref name="batch"/>. <paramref name="deltas"/> are added to MLP outputs as they are
    /// produced. With a <paramref name="cache"/> (one unpadded sequence) the tokens continue the cached ones.
    /// </summary>
    /// <exception cref="ModelInputException">A token id outside [0, V), a sequence longer than the context, a bad delta, or a batched/padded input with a cache.</exception>
    public ForwardPass<T> Forward(TokenBatch batch, IReadOnlyList<ResidualDelta<T>>? deltas = null, KvCache<T>? cache = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int bsz = batch.BatchSize, len = batch.Length, n = bsz * len, d = Config.HiddenSize;
        int past = cache?.Length ?? 0;
        ValidateInput(batch, deltas, cache, past);

        var positions = new int[n];
        for (int b = 0; b < bsz; b++)
            for (int t = 0; t < len; t++) positions[b * len + t] = Math.Max(0, past + t - batch.PadCounts[b]);

        // x₀[n] = wte[id] (+ wpe[pos]): [N, D]
        var x = new Matrix<T>(n, d);
        for (int r = 0; r < n; r++)
        {
            var row = x.View.RowSpan(r);
            _tokenEmbedding.Value.View.RowSpan(batch.Ids[r]).CopyTo(row);
            if (_positionEmbedding is null) continue;
            var pe = _positionEmbedding.Value.View.RowSpan(positions[r]);
            for (int j = 0; j < d; j++) row[j] += pe[j];
        }

        var shape = new AttentionShape(bsz, len, past, Config.HeadCount, Config.KeyValueHeadCount, Config.HeadDim, batch.PadCounts.ToArray());
        var layers = new BlockActivations<T>[_blocks.Length];
        MatrixView<T> input = x.View;
        for (int l = 0; l < _blocks.Length; l++)
        {
            layers[l] = new BlockActivations<T>(Config, n, shape.KeyLength, input);
            _blocks[l].Forward(layers[l], shape, positions, cache?.Layers[l]);
            if (deltas is not null)
                foreach (var delta in deltas)
                {
                    if (delta.Layer != l) continue;
                    var row = layers[l].Output.View.RowSpan(delta.Row);
                    for (int j = 0; j < d; j++) row[j] += delta.Vector[j];
                }
            input = layers[l].Output.View;
        }

        var finalNorm = new Matrix<T>(n, d);
        var mean = new T[n];
        var rstd = new T[n];
        _finalNorm.Forward(input, finalNorm, mean, rstd);
        var logits = new Matrix<T>(n, Config.VocabSize);
        _lmHead.Forward(finalNorm, logits);
        if (cache is not null) cache.Length += len;
        return new ForwardPass<T>(batch, past, positions, x, layers, finalNorm, mean, rstd, logits, cache is not null);
    }

    /// <summary>
    /// Differentiates <paramref name="loss"/> at the logits of <paramref name="pass"/> back to the residual after
    /// <see cref="BackwardScope.StopAfterLayer"/> (= ∂loss/∂δ for a delta injected at that layer), accumulating
    /// parameter gradients on the way when the scope asks for them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pass used a KV cache (its earlier positions' activations are not kept).</exception>
    public BackwardResult<T> Backward(ForwardPass<T> pass, TokenLoss<T> loss, BackwardScope scope)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(loss);
        if (pass.UsedCache)
            throw new InvalidOperationException("TransformerModel.Backward: a pass run with a KV cache cannot be differentiated; run it without a cache.");
        if (scope.StopAfterLayer < -1 || scope.StopAfterLayer >= Config.LayerCount)
            throw new ModelInputException("TransformerModel.Backward", "scope", $"a layer in [-1, {Config.LayerCount})", scope.StopAfterLayer.ToString(CultureInfo.InvariantCulture));
        bool pg = scope.ParameterGradients;
        int n = pass.Logits.Rows, d = Config.HiddenSize;
        var batch = pass.Batch;
        var shape = new AttentionShape(batch.BatchSize, batch.Length, 0, Config.HeadCount, Config.KeyValueHeadCount, Config.HeadDim, batch.PadCounts.ToArray());

        var dLogits = new Matrix<T>(n, Config.VocabSize);
        double value = loss.Evaluate(pass.Logits, dLogits);

        // logits = Norm_f(x_L)·Wₕᵀ
        var dFinal = new Matrix<T>(n, d);
        _lmHead.Backward(pass.FinalNormOutput, dLogits, dFinal, accumulate: false, pg);
        var dx = new Matrix<T>(n, d);
        var top = pass.ResidualAfter(Config.LayerCount - 1);
        _finalNorm.Backward(top, dFinal, dx, pass.FinalMean, pass.FinalRstd, pg);

        for (int l = Config.LayerCount - 1; l > scope.StopAfterLayer; l--)
        {
            var dInput = new Matrix<T>(n, d);
            _blocks[l].Backward(pass.Layers[l], shape, pass.Positions, dx, dInput, pg);
            dx = dInput;
        }

        if (scope.StopAfterLayer == -1 && pg)
        {
            var dWte = _tokenEmbedding.EnsureGradient().View;
            var dWpe = _positionEmbedding?.EnsureGradient().View;
            for (int r = 0; r < n; r++)
            {
                if (r % batch.Length < batch.PadCounts[r / batch.Length]) continue;
                var g = dx.View.RowSpan(r);
                var e = dWte.RowSpan(batch.Ids[r]);
                for (int j = 0; j < d; j++) e[j] += g[j];
                if (dWpe is null) continue;
                var pe = dWpe.Value.RowSpan(pass.Positions[r]);
                for (int j = 0; j < d; j++) pe[j] += g[j];
            }
        }
        return new BackwardResult<T>(value, dx, scope.StopAfterLayer);
    }

    private void ValidateInput(TokenBatch batch, IReadOnlyList<ResidualDelta<T>>? deltas, KvCache<T>? cache, int past)
    {
        const string op = "TransformerModel.Forward";
        string Str(int v) => v.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < batch.Ids.Count; i++)
        {
            int id = batch.Ids[i];
            if ((uint)id >= (uint)Config.VocabSize)
                throw new ModelInputException(op, "token ids", $"ids in [0, {Config.VocabSize}) (the vocabulary)", $"{Str(id)} at slot {Str(i)}");
        }
        int longest = batch.Length - batch.PadCounts.Min();
        if (past + longest > Config.MaxSequenceLength)
            throw new ModelInputException(op, "token ids", $"at most {Config.MaxSequenceLength} positions (the model's context)", $"{Str(past + longest)}");
        if (cache is not null)
        {
            if (batch.BatchSize != 1 || batch.PadCounts[0] != 0)
                throw new ModelInputException(op, "cache", "a single unpadded sequence when a KV cache is used", $"{Str(batch.BatchSize)} sequences");
            if (cache.Layers.Length != Config.LayerCount || cache.Layers[0].Keys.Cols != Config.KeyValueHeadCount * Config.HeadDim)
                throw new ModelInputException(op, "cache", "a cache created for this model's config", "a cache of another shape");
            if (past + batch.Length > cache.Capacity)
                throw new ModelInputException(op, "cache", $"room for {Str(batch.Length)} more positions", $"{Str(cache.Capacity - past)} free of {Str(cache.Capacity)}");
        }
        if (deltas is null) return;
        foreach (var delta in deltas)
        {
            if ((uint)delta.Layer >= (uint)Config.LayerCount)
                throw new ModelInputException(op, "delta layer", $"a layer in [0, {Config.LayerCount})", Str(delta.Layer));
            if ((uint)delta.Row >= (uint)(batch.BatchSize * batch.Length))
                throw new ModelInputException(op, "delta row", $"a row in [0, {batch.BatchSize * batch.Length})", Str(delta.Row));
            if (delta.Vector is null || delta.Vector.Length != Config.HiddenSize)
                throw new ShapeMismatchException(op, "delta vector", $"{Config.HiddenSize} values", $"{delta.Vector?.Length ?? 0}");
        }
    }
}
