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
        ValidateInput(batch, deltas, cache, cache?.Length ?? 0);
        return Run(batch, deltas, cache, startLayer: -1, startResidual: null, logitRows: null);
    }

    /// <summary>
    /// A full pass that computes logits only at activation rows <paramref name="logitRows"/>: row i of the pass's
    /// <see cref="ForwardPass{T}.Logits"/> belongs to activation row <paramref name="logitRows"/>[i] (the LM head is
    /// the costliest layer of a small-width model, and scoring or a value loss reads a few rows).
    /// </summary>
    /// <exception cref="ModelInputException">As <see cref="Forward"/>, or a logit row outside [0, B·T).</exception>
    public ForwardPass<T> ForwardRows(TokenBatch batch, IReadOnlyList<int> logitRows, IReadOnlyList<ResidualDelta<T>>? deltas = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(logitRows);
        ValidateInput(batch, deltas, null, 0);
        ValidateLogitRows(batch, logitRows);
        return Run(batch, deltas, null, startLayer: -1, startResidual: null, logitRows);
    }

    /// <summary>
    /// Runs only the blocks above <paramref name="startLayer"/> on <paramref name="residual"/> ([B·T, D], the residual
    /// stream after that block for this <paramref name="batch"/>, e.g. from an earlier <see cref="Forward"/>); deltas
    /// at <paramref name="startLayer"/> are added to it first. Everything below is fixed, so a value optimisation at
    /// that layer repeats only the blocks above it. Logits as <see cref="ForwardRows"/> (all rows when null).
    /// <see cref="Backward"/> of such a pass may stop at <paramref name="startLayer"/> or above.
    /// </summary>
    /// <exception cref="ModelInputException">A start layer outside [−1, L), a mis-shaped residual, a delta below the start layer, or as <see cref="ForwardRows"/>.</exception>
    public ForwardPass<T> ForwardFrom(TokenBatch batch, int startLayer, MatrixView<T> residual, IReadOnlyList<ResidualDelta<T>>? deltas = null, IReadOnlyList<int>? logitRows = null)
    {
        const string op = "TransformerModel.ForwardFrom";
        ArgumentNullException.ThrowIfNull(batch);
        ValidateInput(batch, deltas, null, 0);
        if (startLayer < -1 || startLayer >= Config.LayerCount)
            throw new ModelInputException(op, nameof(startLayer), $"a layer in [-1, {Config.LayerCount})", startLayer.ToString(CultureInfo.InvariantCulture));
        if (residual.Rows != batch.BatchSize * batch.Length || residual.Cols != Config.HiddenSize)
            throw new ShapeMismatchException(op, nameof(residual), $"[{batch.BatchSize * batch.Length}, {Config.HiddenSize}]", $"[{residual.Rows}, {residual.Cols}]");
        if (deltas is not null)
            foreach (var delta in deltas)
                if (delta.Layer < startLayer)
                    throw new ModelInputException(op, "delta layer", $"a layer ≥ the start layer {startLayer}", delta.Layer.ToString(CultureInfo.InvariantCulture));
        if (logitRows is not null) ValidateLogitRows(batch, logitRows);
        var start = new Matrix<T>(residual.Rows, residual.Cols);
        residual.CopyTo(start.View);
        return Run(batch, deltas, null, startLayer, start, logitRows);
    }

    // The blocks above startLayer on startResidual (or on the embeddings when startLayer = −1).
    private ForwardPass<T> Run(TokenBatch batch, IReadOnlyList<ResidualDelta<T>>? deltas, KvCache<T>? cache, int startLayer, Matrix<T>? startResidual, IReadOnlyList<int>? logitRows)
    {
        int bsz = batch.BatchSize, len = batch.Length, n = bsz * len, d = Config.HiddenSize;
        int past = cache?.Length ?? 0;

        var positions = new int[n];
        for (int b = 0; b < bsz; b++)
            for (int t = 0; t < len; t++) positions[b * len + t] = Math.Max(0, past + t - batch.PadCounts[b]);

        Matrix<T> x;
        if (startResidual is null)
        {
            // x₀[n] = wte[id] (+ wpe[pos]): [N, D]
            x = new Matrix<T>(n, d);
            for (int r = 0; r < n; r++)
            {
                var row = x.View.RowSpan(r);
                _tokenEmbedding.Value.View.RowSpan(batch.Ids[r]).CopyTo(row);
                if (_positionEmbedding is null) continue;
                var pe = _positionEmbedding.Value.View.RowSpan(positions[r]);
                for (int j = 0; j < d; j++) row[j] += pe[j];
            }
        }
        else
        {
            x = startResidual;
            AddDeltas(deltas, startLayer, x.View);
        }

        var shape = new AttentionShape(bsz, len, past, Config.HeadCount, Config.KeyValueHeadCount, Config.HeadDim, batch.PadCounts.ToArray());
        var layers = new BlockActivations<T>?[_blocks.Length];
        MatrixView<T> input = x.View;
        for (int l = startLayer + 1; l < _blocks.Length; l++)
        {
            var activations = new BlockActivations<T>(Config, n, shape.KeyLength, input);
            _blocks[l].Forward(activations, shape, positions, cache?.Layers[l]);
            AddDeltas(deltas, l, activations.Output.View);
            layers[l] = activations;
            input = activations.Output.View;
        }

        var finalNorm = new Matrix<T>(n, d);
        var mean = new T[n];
        var rstd = new T[n];
        _finalNorm.Forward(input, finalNorm, mean, rstd);
        Matrix<T> logits;
        if (logitRows is null)
        {
            logits = new Matrix<T>(n, Config.VocabSize);
            _lmHead.Forward(finalNorm, logits);
        }
        else
        {
            logits = new Matrix<T>(logitRows.Count, Config.VocabSize);
            _lmHead.Forward(GatherRows(finalNorm.View, logitRows).View, logits);
        }
        if (cache is not null) cache.Length += len;
        return new ForwardPass<T>(batch, past, positions, x, startLayer, layers, finalNorm, mean, rstd, logits, logitRows?.ToArray(), cache is not null);
    }

    private void AddDeltas(IReadOnlyList<ResidualDelta<T>>? deltas, int layer, MatrixView<T> output)
    {
        if (deltas is null) return;
        foreach (var delta in deltas)
        {
            if (delta.Layer != layer) continue;
            var row = output.RowSpan(delta.Row);
            for (int j = 0; j < row.Length; j++) row[j] += delta.Vector[j];
        }
    }

    private static Matrix<T> GatherRows(MatrixView<T> source, IReadOnlyList<int> rows)
    {
        var gathered = new Matrix<T>(rows.Count, source.Cols);
        for (int i = 0; i < rows.Count; i++) source.RowSpan(rows[i]).CopyTo(gathered.View.RowSpan(i));
        return gathered;
    }

    private static void ValidateLogitRows(TokenBatch batch, IReadOnlyList<int> logitRows)
    {
        int n = batch.BatchSize * batch.Length;
        foreach (int r in logitRows)
            if ((uint)r >= (uint)n)
                throw new ModelInputException("TransformerModel.ForwardRows", "logit row", $"a row in [0, {n})", r.ToString(CultureInfo.InvariantCulture));
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
        if (scope.StopAfterLayer < pass.StartLayer || scope.StopAfterLayer >= Config.LayerCount)
            throw new ModelInputException("TransformerModel.Backward", "scope", $"a layer in [{pass.StartLayer}, {Config.LayerCount}) (the pass ran the blocks above {pass.StartLayer})", scope.StopAfterLayer.ToString(CultureInfo.InvariantCulture));
        bool pg = scope.ParameterGradients;
        int n = pass.FinalNormOutput.Rows, d = Config.HiddenSize;
        var batch = pass.Batch;
        var shape = new AttentionShape(batch.BatchSize, batch.Length, 0, Config.HeadCount, Config.KeyValueHeadCount, Config.HeadDim, batch.PadCounts.ToArray());

        var dLogits = new Matrix<T>(pass.Logits.Rows, Config.VocabSize);
        double value = loss.Evaluate(pass.Logits, dLogits);

        // logits = Norm_f(x_L)·Wₕᵀ (at the pass's logit rows only, when it has them)
        var dFinal = new Matrix<T>(n, d);
        if (pass.LogitRows is not { } rows) _lmHead.Backward(pass.FinalNormOutput, dLogits, dFinal, accumulate: false, pg);
        else
        {
            var dSelected = new Matrix<T>(rows.Count, d);
            _lmHead.Backward(GatherRows(pass.FinalNormOutput.View, rows).View, dLogits, dSelected, accumulate: false, pg);
            for (int i = 0; i < rows.Count; i++)
            {
                var target = dFinal.View.RowSpan(rows[i]);
                var source = dSelected.View.RowSpan(i);
                for (int j = 0; j < d; j++) target[j] += source[j];
            }
        }
        var dx = new Matrix<T>(n, d);
        var top = pass.ResidualAfter(Config.LayerCount - 1);
        _finalNorm.Backward(top, dFinal, dx, pass.FinalMean, pass.FinalRstd, pg);

        for (int l = Config.LayerCount - 1; l > scope.StopAfterLayer; l--)
        {
            var dInput = new Matrix<T>(n, d);
            _blocks[l].Backward(pass.Layers[l]!, shape, pass.Positions, dx, dInput, pg);
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
