using RlsEdit.Baselines;
using RlsEdit.Models;
using RlsEdit.Tensors;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>
/// The per-batch editing pipeline on a model held in memory (MEMIT's <c>execute_memit</c> with a pluggable update):
/// v* for every request at the last edited layer; then, layer by layer in ascending order, keys averaged over the
/// context templates on the partly edited model, the residual R = z* − z_cur at the last layer spread as R/(L − i),
/// one step of the layer's <see cref="IKeyValueEditor{T}"/> with targets V = K·W + R/(L − i), and the new weight
/// written back into the model. Editors live as long as this object, so RLSEdit's C carries across batches.
/// </summary>
public sealed class ModelEditor
{
    private readonly TransformerModel<float> _model;
    private readonly PromptEncoder _encoder;
    private readonly ContextTemplates _templates;
    private readonly EditHyperParameters _hp;
    private readonly Dictionary<int, IKeyValueEditor<double>> _editors = [];

    /// <summary>The editor kind.</summary>
    public EditorKind Kind { get; }

    /// <summary>Edits applied so far.</summary>
    public int EditCount { get; private set; }

    /// <summary>
    /// Prepares editors for every layer of <paramref name="hp"/> from the model's current weights and the key second
    /// moments <paramref name="secondMoments"/> (E[kkᵀ] per layer, see <see cref="LayerStatistics"/>).
    /// </summary>
    /// <exception cref="EditInputException">A layer is out of range or a second moment is missing or mis-shaped.</exception>
    public ModelEditor(TransformerModel<float> model, PromptEncoder encoder, ContextTemplates templates, EditHyperParameters hp,
        EditorKind kind, IReadOnlyDictionary<int, Matrix<double>> secondMoments)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        _templates = templates ?? throw new ArgumentNullException(nameof(templates));
        _hp = hp ?? throw new ArgumentNullException(nameof(hp));
        ArgumentNullException.ThrowIfNull(secondMoments);
        hp.ValidateFor(model.Config.LayerCount);
        Kind = kind;
        int dk = model.Config.IntermediateSize;
        foreach (int layer in hp.Layers)
        {
            if (!secondMoments.TryGetValue(layer, out var cov) || cov.Rows != dk || cov.Cols != dk)
                throw new EditInputException($"second moment of layer {layer}", $"a {dk}×{dk} matrix", cov is null ? "none" : $"{cov.Rows}×{cov.Cols}");
            _editors[layer] = CreateEditor(ReadWeight(layer), cov);
        }
    }

    private IKeyValueEditor<double> CreateEditor(Matrix<double> w0, Matrix<double> cov)
    {
        switch (Kind)
        {
            case EditorKind.RlsEdit:
                var weights = _hp.RlsWeights;
                // λ = 0 (every shipped config) leaves H₀ = β·E[kkᵀ], which can be singular on a small corpus; the reference
                // adds a jitter of 1e-6·mean diag when Cholesky fails — here it is added up front so runs are reproducible.
                if (weights.Alpha == 0) weights = weights with { Alpha = 1e-6 * Math.Max(1e-12, weights.Beta * MeanDiagonal(cov)) };
                return new RlsEditor<double>(w0.View, weights, Anchor<double>.FromSecondMoment(cov.View), new RlsEditorOptions { Mode = RlsEdit.EditMode.Recursive });
            case EditorKind.Memit:
                return new MemitEditor<double>(w0.View, cov.View, _hp.Mom2UpdateWeight);
            case EditorKind.AlphaEdit:
                return new AlphaEditEditor<double>(w0.View, cov.View, new NullSpaceThreshold(NullSpaceThresholdKind.Absolute, _hp.NullspaceThreshold), _hp.L2);
            default:
                // λ_max(KᵀK) ≤ ‖K‖²_F ≈ u·tr E[kkᵀ], so η = 1/(2 tr E[kkᵀ]) keeps gradient descent on (1/u)‖KW − V‖² stable.
                double lr = _hp.FtLearningRate ?? 1.0 / (2 * Math.Max(1e-12, MeanDiagonal(cov) * cov.Rows));
                return _hp.FtNormConstraint > 0
                    ? new FineTuneEditor<double>(w0.View, lr, _hp.FtSteps, FineTuneConstraint.MaxAbs, _hp.FtNormConstraint)
                    : new FineTuneEditor<double>(w0.View, lr, _hp.FtSteps);
        }
    }

    private static double MeanDiagonal(Matrix<double> m)
    {
        double s = 0;
        for (int i = 0; i < m.Rows; i++) s += m[i, i];
        return s / Math.Max(1, m.Rows);
    }

    /// <summary>Applies one batch of edits and returns what each layer received (for checkpoints).</summary>
    public BatchEdit Apply(IReadOnlyList<CounterFactRecord> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.Count == 0) return new BatchEdit([], [], []);
        int zLayer = _hp.Layers[^1];
        var targets = ValueOptimizer.Compute(_model, _encoder, _templates, cases.Select(c => c.RequestedRewrite).ToArray(), _hp, zLayer);
        var layerEdits = new List<LayerEdit>();
        for (int i = 0; i < _hp.Layers.Count; i++)
        {
            int layer = _hp.Layers[i];
            var (keys, current) = KeysAndOutputs(_model, _encoder, _templates, _hp.FactToken, cases, layer, zLayer);
            var editor = _editors[layer];
            int u = cases.Count, dv = editor.Weight.Cols;
            var values = new Matrix<double>(u, dv);
            Blas.Gemm(1.0, keys.View, editor.Weight.View, 0.0, values.View);          // K·W              u×d_v
            double spread = _hp.Layers.Count - i;
            for (int r = 0; r < u; r++)
                for (int j = 0; j < dv; j++) values[r, j] += (targets[r].Target[j] - current[r, j]) / spread;
            var edit = new LayerEdit(layer, keys, values);
            Step(edit);
            layerEdits.Add(edit);
        }
        EditCount += cases.Count;
        return new BatchEdit(cases.Select(c => c.CaseId).ToArray(), layerEdits, targets);
    }

    /// <summary>Re-applies a recorded batch (resuming a run): the editors take the same steps and the model gets the same weights.</summary>
    public void Replay(IReadOnlyList<LayerEdit> layers, int editCount)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var edit in layers) Step(edit);
        EditCount += editCount;
    }

    /// <summary>
    /// The keys an edit of <paramref name="cases"/> would write at <paramref name="layer"/> of <paramref name="model"/> as it
    /// is: each case's key at <paramref name="factToken"/> (<c>subject_last</c> or <c>last</c>) averaged over the context
    /// templates (one row per case, d_k columns). No editor is needed, so diagnostics can call it for any layer.
    /// </summary>
    /// <exception cref="EditInputException">The layer is out of range.</exception>
    public static Matrix<double> SubjectKeys(TransformerModel<float> model, PromptEncoder encoder, ContextTemplates templates, string factToken,
        IReadOnlyList<CounterFactRecord> cases, int layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(cases);
        if (layer < 0 || layer >= model.Config.LayerCount)
            throw new EditInputException("layer", $"0..{model.Config.LayerCount - 1}", layer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return KeysAndOutputs(model, encoder, templates, factToken, cases, layer, layer).Keys;
    }

    private void Step(LayerEdit edit)
    {
        var editor = _editors.TryGetValue(edit.Layer, out var e) ? e
            : throw new EditInputException("checkpoint", $"an edited layer in [{string.Join(", ", _hp.Layers)}]", edit.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        editor.Step(edit.Keys.View, edit.Values.View);
        WriteWeight(edit.Layer, editor.Weight);
    }

    // Keys of every request at `layer` (averaged within template groups, then over groups) and the residual after
    // `zLayer` at the subject's last token of the bare prompt, both on the current model.
    private static (Matrix<double> Keys, Matrix<double> Outputs) KeysAndOutputs(TransformerModel<float> model, PromptEncoder encoder,
        ContextTemplates templates, string factToken, IReadOnlyList<CounterFactRecord> cases, int layer, int zLayer)
    {
        bool last = factToken == "last";
        var sequences = new List<IReadOnlyList<int>>();
        var lookups = new List<int>();
        foreach (var c in cases)
        {
            foreach (string template in templates.All)
            {
                var p = encoder.EncodeWithSubject(template.Replace("{}", c.RequestedRewrite.Prompt, StringComparison.Ordinal), c.RequestedRewrite.Subject, last);
                sequences.Add(p.Ids);
                lookups.Add(p.LookupIndex);
            }
            var bare = encoder.EncodeWithSubject(c.RequestedRewrite.Prompt, c.RequestedRewrite.Subject, last);
            sequences.Add(bare.Ids);
            lookups.Add(bare.LookupIndex);
        }
        var batch = TokenBatch.LeftPadded(sequences, model.Config.EosTokenId ?? 0);
        var pass = model.ForwardRows(batch, []);   // keys and residuals only: no logits
        var k = pass.MlpKeys(layer);
        var z = pass.ResidualAfter(zLayer);
        int dk = k.Cols, d = z.Cols, per = templates.All.Count() + 1;
        var keys = new Matrix<double>(cases.Count, dk);
        var outputs = new Matrix<double>(cases.Count, d);
        for (int r = 0; r < cases.Count; r++)
        {
            int seq = r * per;
            foreach (var group in templates.Groups)
            {
                double weight = 1.0 / (group.Count * templates.Groups.Count);
                for (int g = 0; g < group.Count; g++, seq++)
                {
                    var row = k.RowSpan(batch.Row(seq, batch.PadCounts[seq] + lookups[seq]));
                    for (int j = 0; j < dk; j++) keys[r, j] += weight * row[j];
                }
            }
            var zRow = z.RowSpan(batch.Row(seq, batch.PadCounts[seq] + lookups[seq]));
            for (int j = 0; j < d; j++) outputs[r, j] = zRow[j];
        }
        return (keys, outputs);
    }

    private bool StoredOutIn => _model.Config.Architecture != ModelArchitecture.Gpt2;

    /// <summary>The edited matrix of <paramref name="layer"/> as d_k×d_v (GPT-2's Conv1D already is; Llama's [out, in] is transposed).</summary>
    public Matrix<double> ReadWeight(int layer)
    {
        var p = _model.Parameter(ParameterLayout.DownProjection(_model.Config, layer)).Value;
        int dk = _model.Config.IntermediateSize, dv = _model.Config.HiddenSize;
        var w = new Matrix<double>(dk, dv);
        for (int i = 0; i < dk; i++)
            for (int j = 0; j < dv; j++) w[i, j] = StoredOutIn ? p[j, i] : p[i, j];
        return w;
    }

    private void WriteWeight(int layer, Matrix<double> w)
    {
        var p = _model.Parameter(ParameterLayout.DownProjection(_model.Config, layer)).Value;
        for (int i = 0; i < w.Rows; i++)
            for (int j = 0; j < w.Cols; j++)
            {
                if (StoredOutIn) p[j, i] = (float)w[i, j];
                else p[i, j] = (float)w[i, j];
            }
    }
}
