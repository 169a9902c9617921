using System.Globalization;
using System.Text.Json;

namespace RlsEdit.Editing;

/// <summary>
/// The hyper-parameters of an edit run, in the reference code's JSON vocabulary (MEMIT / AlphaEdit / RLSEdit
/// <c>hparams/*.json</c>). α, β of the RLSEdit objective follow from <see cref="LambdaReg"/>, <see cref="MuReg"/> and
/// <see cref="Mom2UpdateWeight"/> as the reference code builds them: α = λ², β = μ²·w (see <see cref="RlsHyperParameters.FromReferenceCode"/>).
/// </summary>
public sealed record EditHyperParameters
{
    /// <summary><c>layers</c>: the edited blocks, ascending; the last one is where v* is optimised.</summary>
    public required IReadOnlyList<int> Layers { get; init; }
    /// <summary><c>fact_token</c>: where keys are read (<c>subject_last</c>, or <c>last</c> for the prompt's last token).</summary>
    public string FactToken { get; init; } = "subject_last";
    /// <summary><c>v_num_grad_steps</c>: Adam steps of the v* optimisation.</summary>
    public int VNumGradSteps { get; init; } = 20;
    /// <summary><c>v_lr</c>: Adam learning rate of v*.</summary>
    public double VLr { get; init; } = 0.5;
    /// <summary><c>v_loss_layer</c>: recorded; this runtime always reads the NLL at the model's output (the reference's loss layer is the last block).</summary>
    public int? VLossLayer { get; init; }
    /// <summary><c>v_weight_decay</c>: weight of ‖δ‖/‖h‖² in the v* loss.</summary>
    public double VWeightDecay { get; init; } = 0.5;
    /// <summary><c>clamp_norm_factor</c>: ‖δ‖ ≤ factor·‖h‖ after every step.</summary>
    public double ClampNormFactor { get; init; } = 0.75;
    /// <summary><c>kl_factor</c>: weight of the KL term on "{subject} is a".</summary>
    public double KlFactor { get; init; } = 0.0625;
    /// <summary><c>mom2_adjustment</c>: recorded (the covariance is always used by MEMIT, AlphaEdit and RLSEdit).</summary>
    public bool Mom2Adjustment { get; init; } = true;
    /// <summary><c>mom2_update_weight</c> w: the weight of E[kkᵀ] in the preservation term.</summary>
    public double Mom2UpdateWeight { get; init; } = 15000;
    /// <summary><c>mom2_n_samples</c>: how many corpus texts the key second moment is estimated from.</summary>
    public int Mom2NSamples { get; init; } = 100000;
    /// <summary><c>lambda_reg</c> λ (RLSEdit): α = λ².</summary>
    public double LambdaReg { get; init; }
    /// <summary><c>mu_reg</c> μ (RLSEdit): β = μ²·w.</summary>
    public double MuReg { get; init; } = 1.0;
    /// <summary><c>nullspace_threshold</c> (AlphaEdit): eigenvalues of E[kkᵀ] below it span the editable null space.</summary>
    public double NullspaceThreshold { get; init; } = 2e-2;
    /// <summary><c>L2</c> (AlphaEdit): Tikhonov weight of the null-space solve.</summary>
    public double L2 { get; init; } = 10;
    /// <summary><c>ft_lr</c> (this project, FT baseline): gradient step size; null picks u/(2‖K‖²_F) from the first batch (a step that cannot diverge).</summary>
    public double? FtLearningRate { get; init; }
    /// <summary><c>ft_steps</c> (this project, FT baseline): gradient steps per batch.</summary>
    public int FtSteps { get; init; } = 25;
    /// <summary><c>ft_norm_constraint</c> (this project, FT baseline): max |ΔW| per entry; 0 means unconstrained.</summary>
    public double FtNormConstraint { get; init; }

    /// <summary>The RLSEdit α, β: α = λ², β = μ²·w; when λ = 0 a jitter keeps H₀ positive definite (see docs/editing.md).</summary>
    public RlsHyperParameters RlsWeights => RlsHyperParameters.FromReferenceCode(LambdaReg, MuReg, Mom2UpdateWeight);

    /// <summary>The loss threshold under which the v* optimisation stops early (the reference's 5e-2).</summary>
    public const double EarlyStopLoss = 5e-2;

    // Fields of the reference files that address PyTorch modules or datasets; this runtime has its own names for them.
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "rewrite_module_tmp", "layer_module_tmp", "mlp_module_tmp", "attn_module_tmp", "ln_f_module", "lm_head_module",
        "mom2_dataset", "mom2_dtype", "layer_selection", "model_name", "alg_name", "context_template_length_params",
        "weight_reg", "solve_method", "K0_path_by_layer", "stats_dir", "device",
    };

    /// <summary>The file a model folder ships its tuned hyper-parameters in (used when <c>--hparams</c> is omitted).</summary>
    public const string ModelDefaultFileName = "rlsedit-hparams.json";

    /// <summary>
    /// The hyper-parameters file to use: <paramref name="explicitPath"/> when given, otherwise the model folder's
    /// <see cref="ModelDefaultFileName"/>.
    /// </summary>
    /// <exception cref="EditInputException">No path is given and the model folder has no default file.</exception>
    public static string ResolvePath(string? explicitPath, string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        if (!string.IsNullOrEmpty(explicitPath)) return explicitPath;
        string fallback = Path.Combine(modelDirectory, ModelDefaultFileName);
        return File.Exists(fallback) ? fallback
            : throw new EditInputException("--hparams", $"a hyper-parameters file, or {ModelDefaultFileName} in the model folder", $"neither ('{fallback}' does not exist)");
    }

    /// <summary>Reads a reference-format JSON file; fields this runtime does not know are returned in <paramref name="warnings"/>.</summary>
    /// <exception cref="EditInputException">The file is not a JSON object, a field has the wrong type, or a value is out of range.</exception>
    public static EditHyperParameters Load(string path, out IReadOnlyList<string> warnings)
    {
        if (!File.Exists(path)) throw new EditInputException("--hparams", "an existing JSON file", $"'{path}' (not found)");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new EditInputException(path, "valid JSON", e.Message); }
        using (doc) return Parse(path, doc.RootElement, out warnings);
    }

    /// <summary>Parses a reference-format object; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="EditInputException">A field has the wrong type or an out-of-range value.</exception>
    public static EditHyperParameters Parse(string source, JsonElement root, out IReadOnlyList<string> warnings)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new EditInputException(source, "a JSON object", root.ValueKind.ToString());
        var unknown = new List<string>();
        IReadOnlyList<int>? layers = null;
        var h = new EditHyperParameters { Layers = [] };
        foreach (var p in root.EnumerateObject())
        {
            string where = $"{source}: {p.Name}";
            var v = p.Value;
            switch (p.Name)
            {
                case "layers":
                    if (v.ValueKind != JsonValueKind.Array) throw new EditInputException(where, "an array of layer indices", v.ValueKind.ToString());
                    layers = v.EnumerateArray().Select(e => e.TryGetInt32(out int i) ? i : throw new EditInputException(where, "integers", e.ToString())).ToArray();
                    break;
                case "fact_token": h = h with { FactToken = String(where, v) }; break;
                case "v_num_grad_steps": h = h with { VNumGradSteps = Int(where, v) }; break;
                case "v_lr": h = h with { VLr = Number(where, v) }; break;
                case "v_loss_layer": h = h with { VLossLayer = Int(where, v) }; break;
                case "v_weight_decay": h = h with { VWeightDecay = Number(where, v) }; break;
                case "clamp_norm_factor": h = h with { ClampNormFactor = Number(where, v) }; break;
                case "kl_factor": h = h with { KlFactor = Number(where, v) }; break;
                case "mom2_adjustment": h = h with { Mom2Adjustment = v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new EditInputException(where, "true or false", v.ToString()) }; break;
                case "mom2_update_weight": h = h with { Mom2UpdateWeight = Number(where, v) }; break;
                case "mom2_n_samples": h = h with { Mom2NSamples = Int(where, v) }; break;
                case "lambda_reg": h = h with { LambdaReg = Number(where, v) }; break;
                case "mu_reg": h = h with { MuReg = Number(where, v) }; break;
                case "nullspace_threshold": h = h with { NullspaceThreshold = Number(where, v) }; break;
                case "L2": h = h with { L2 = Number(where, v) }; break;
                case "ft_lr": h = h with { FtLearningRate = Number(where, v) }; break;
                case "ft_steps": h = h with { FtSteps = Int(where, v) }; break;
                case "ft_norm_constraint": h = h with { FtNormConstraint = Number(where, v) }; break;
                default:
                    if (!Ignored.Contains(p.Name)) unknown.Add($"{source}: unknown hyper-parameter '{p.Name}' ignored");
                    break;
            }
        }
        if (layers is null) throw new EditInputException($"{source}: layers", "a non-empty array of layer indices", "no 'layers' field");
        h = h with { Layers = layers };
        h.Validate(source);
        warnings = unknown;
        return h;
    }

    /// <summary>Checks value ranges that do not depend on the model.</summary>
    /// <exception cref="EditInputException">A value is out of range.</exception>
    public void Validate(string source)
    {
        if (Layers.Count == 0) throw new EditInputException($"{source}: layers", "at least one layer", "an empty list");
        for (int i = 1; i < Layers.Count; i++)
            if (Layers[i] <= Layers[i - 1]) throw new EditInputException($"{source}: layers", "strictly ascending indices", $"[{string.Join(", ", Layers)}]");
        if (FactToken is not ("subject_last" or "last")) throw new EditInputException($"{source}: fact_token", "'subject_last' or 'last'", $"'{FactToken}'");
        if (VNumGradSteps < 1) throw new EditInputException($"{source}: v_num_grad_steps", "≥ 1", Text(VNumGradSteps));
        Positive(source, "v_lr", VLr);
        NonNegative(source, "v_weight_decay", VWeightDecay);
        Positive(source, "clamp_norm_factor", ClampNormFactor);
        NonNegative(source, "kl_factor", KlFactor);
        NonNegative(source, "mom2_update_weight", Mom2UpdateWeight);
        if (Mom2NSamples < 1) throw new EditInputException($"{source}: mom2_n_samples", "≥ 1", Text(Mom2NSamples));
        NonNegative(source, "lambda_reg", Math.Abs(LambdaReg));
        NonNegative(source, "mu_reg", Math.Abs(MuReg));
        NonNegative(source, "nullspace_threshold", NullspaceThreshold);
        Positive(source, "L2", L2);
        if (FtLearningRate is { } lr) Positive(source, "ft_lr", lr);
        if (FtSteps < 1) throw new EditInputException($"{source}: ft_steps", "≥ 1", Text(FtSteps));
        NonNegative(source, "ft_norm_constraint", FtNormConstraint);
    }

    /// <summary>Checks the layers against a model of <paramref name="layerCount"/> blocks.</summary>
    /// <exception cref="EditInputException">A layer is outside [0, layerCount).</exception>
    public void ValidateFor(int layerCount)
    {
        foreach (int l in Layers)
            if (l < 0 || l >= layerCount)
                throw new EditInputException("hparams: layers", $"layer indices in [0, {layerCount}) (the model has {layerCount} blocks)", $"{l} in [{string.Join(", ", Layers)}]");
        // v*'s δ sits at the subject's last token; it reaches the prediction at the prompt's end only through the attention of later blocks.
        if (FactToken == "subject_last" && Layers[^1] >= layerCount - 1)
            throw new EditInputException("hparams: layers", $"a last edited layer below the model's last block {layerCount - 1} (v* at the subject token needs a later block to reach the prediction)",
                $"[{string.Join(", ", Layers)}]");
    }

    /// <summary>The reference-format JSON of these values (what a run records next to its results).</summary>
    public string ToJson()
    {
        var o = new Dictionary<string, object?>
        {
            ["layers"] = Layers, ["fact_token"] = FactToken, ["v_num_grad_steps"] = VNumGradSteps, ["v_lr"] = VLr,
            ["v_loss_layer"] = VLossLayer, ["v_weight_decay"] = VWeightDecay, ["clamp_norm_factor"] = ClampNormFactor,
            ["kl_factor"] = KlFactor, ["mom2_adjustment"] = Mom2Adjustment, ["mom2_update_weight"] = Mom2UpdateWeight,
            ["mom2_n_samples"] = Mom2NSamples, ["lambda_reg"] = LambdaReg, ["mu_reg"] = MuReg,
            ["nullspace_threshold"] = NullspaceThreshold, ["L2"] = L2, ["ft_lr"] = FtLearningRate, ["ft_steps"] = FtSteps,
            ["ft_norm_constraint"] = FtNormConstraint,
        };
        return JsonSerializer.Serialize(o, new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static void Positive(string source, string name, double v)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new EditInputException($"{source}: {name}", "a finite value > 0", Text(v));
    }

    private static void NonNegative(string source, string name, double v)
    {
        if (!(v >= 0) || !double.IsFinite(v)) throw new EditInputException($"{source}: {name}", "a finite value ≥ 0", Text(v));
    }

    private static double Number(string where, JsonElement v) =>
        v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new EditInputException(where, "a number", v.ToString());

    private static int Int(string where, JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new EditInputException(where, "an integer", v.ToString());

    private static string String(string where, JsonElement v) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new EditInputException(where, "a string", v.ToString());
}
