using System.Diagnostics;
using System.Numerics;
using RlsEdit.Numerics;
using RlsEdit.Tensors;
using RlsEdit.Theory;

namespace RlsEdit;

/// <summary>
/// Soft recursive least-squares editing of one linear map W (d_k×d_v, keys are rows). After t steps W_t minimises
/// J_t(W) = Σ_{i≤t} ‖K_i W − V_i‖² + α‖W − W₀‖² + β‖K₀W − V₀‖², updated in place at a cost of O(d_k²u + d_k u d_v)
/// per step, independent of t: F = C_{t−1}K_tᵀ, S = I + K_tF, C_t = C_{t−1} − F S⁻¹Fᵀ, W_t = W_{t−1} + F S⁻¹(V_t − K_tW_{t−1}).
/// See docs/math.md.
/// </summary>
/// <typeparam name="T">float or double; C is kept in the same precision as W.</typeparam>
public sealed class RlsEditor<T> : IKeyValueEditor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const string Op = "RlsEditor.Step";

    private readonly Matrix<T> _weight;
    // ΔW of the last step; kept so a step allocates O(d_k·u + u·d_v), not a fresh d_k×d_v block (which would land on the LOH).
    private readonly Matrix<T> _delta;
    // Recursive: C_t (or L_t with H_t = L_tL_tᵀ). Reset: C₀ (or L₀). Recompute: unused (null). Lower triangle only.
    private readonly Matrix<T>? _covariance;
    // Reset: the copy of C₀ that each step updates, so C₀ itself survives. Recompute: the Cholesky factor of H_t.
    private readonly Matrix<T>? _workspace;
    private readonly NormalEquations<T>? _normal;
    private readonly DeviationBoundTracker? _bounds;

    /// <summary>The hyper-parameters α, β of the objective.</summary>
    public RlsHyperParameters Hyper { get; }

    /// <summary>The options the editor was created with.</summary>
    public RlsEditorOptions Options { get; }

    /// <summary>How C is carried between steps.</summary>
    public EditMode Mode => Options.Mode;

    /// <inheritdoc />
    public Matrix<T> Weight => _weight;

    /// <inheritdoc />
    public int StepCount { get; private set; }

    /// <summary>d_k.</summary>
    public int KeyDim => _weight.Rows;

    /// <summary>d_v.</summary>
    public int ValueDim => _weight.Cols;

    /// <summary>The accumulated H_t and B_t, or null unless <see cref="RlsEditorOptions.TrackInformation"/> or <see cref="EditMode.Recompute"/>.</summary>
    public NormalEquations<T>? Normal => _normal;

    /// <summary>
    /// Starts an editor at the minimiser of J₀: W₀* = C₀(αW₀ + βK₀ᵀV₀) with C₀ = (αI + βK₀ᵀK₀)⁻¹ (W₀* = W₀ when V₀ = K₀W₀).
    /// <paramref name="w0"/> is copied.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Shapes disagree, an entry is not finite, α or β is negative, or H₀ = αI + βK₀ᵀK₀ is singular (α = 0 and βK₀ᵀK₀ not of rank d_k).
    /// </exception>
    public RlsEditor(MatrixView<T> w0, RlsHyperParameters hyper, Anchor<T>? anchor = null, RlsEditorOptions? options = null)
    {
        options ??= new RlsEditorOptions();
        hyper.Validate("RlsEditor");
        Guard.Finite(w0, "RlsEditor", "W0");
        if (options.RefactorEvery < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"RlsEditor: RefactorEvery must be ≥ 0 (got {options.RefactorEvery}).");
        if (options.TrackBounds && options.Mode == EditMode.Reset)
            throw new ArgumentException("RlsEditor: bound tracking needs W_t to be the minimiser of J_t, which the Reset mode does not give.", nameof(options));
        int dk = w0.Rows;
        if (hyper.Alpha == 0 && (anchor is null || hyper.Beta == 0))
            throw new ArgumentException(
                $"RlsEditor: H₀ = αI + βK₀ᵀK₀ is singular: α = {hyper.Alpha}, β = {hyper.Beta}{(anchor is null ? ", no anchor" : "")}; " +
                "give α > 0, or β > 0 with anchor keys K0 of rank d_k.", nameof(hyper));
        Hyper = hyper;
        Options = options;

        var normal = new NormalEquations<T>(w0, hyper, anchor);
        var c0 = new Matrix<T>(dk, dk);
        try
        {
            normal.Factor(c0.View);
        }
        catch (NotPositiveDefiniteException e)
        {
            string k0 = anchor?.Keys is { } k ? $"K0 ({k.Rows}×{k.Cols})" : $"the anchor second moment ({dk}×{dk})";
            throw new ArgumentException(
                $"RlsEditor: H₀ = αI + βK₀ᵀK₀ is not positive definite with α = {hyper.Alpha}, β = {hyper.Beta}: {k0} does not have rank d_k = {dk}. Give α > 0.", nameof(anchor), e);
        }
        _weight = new Matrix<T>(dk, w0.Cols);
        _delta = new Matrix<T>(dk, w0.Cols);
        if (anchor?.Values is null) w0.CopyTo(_weight.View);
        else
        {
            normal.RightHandSide.View.CopyTo(_weight.View);
            Cholesky.SolveInPlace(c0.View, _weight.View);
        }

        bool keepNormal = options.Mode == EditMode.Recompute || options.TrackInformation || options.RefactorEvery > 0;
        _normal = keepNormal ? normal : null;
        if (options.Mode == EditMode.Recompute)
            _workspace = new Matrix<T>(dk, dk);
        else
        {
            if (options.Form == CovarianceForm.Inverse) Cholesky.InvertInPlace(c0.View);
            _covariance = c0;
            if (options.Mode == EditMode.Reset) _workspace = new Matrix<T>(dk, dk);
        }
        if (options.TrackBounds) _bounds = new DeviationBoundTracker(ToDouble(w0), hyper, anchor is null ? null : AnchorToDouble(anchor));
    }

    /// <summary>Restores an editor from saved state (see <see cref="State.EditorStateFile"/>); takes ownership of the matrices.</summary>
    internal RlsEditor(Matrix<T> weight, Matrix<T>? covariance, NormalEquations<T>? normal, RlsHyperParameters hyper, RlsEditorOptions options, int stepCount)
    {
        _weight = weight;
        _delta = new Matrix<T>(weight.Rows, weight.Cols);
        _covariance = covariance;
        _normal = normal;
        Hyper = hyper;
        Options = options;
        StepCount = stepCount;
        if (options.Mode != EditMode.Recursive) _workspace = new Matrix<T>(weight.Rows, weight.Rows);
    }

    /// <summary>
    /// The C that the next step starts from, as a full symmetric copy: C_t = H_t⁻¹ (<see cref="EditMode.Recursive"/>, and
    /// computed by Cholesky for <see cref="EditMode.Recompute"/>) or C₀ (<see cref="EditMode.Reset"/>).
    /// </summary>
    public Matrix<T> Covariance()
    {
        if (_covariance is null) return _normal!.Inverse();
        var c = _covariance.Clone();
        if (IsFactored) Cholesky.InvertInPlace(c.View);
        SymmetricStorage.MirrorLowerToUpper(c.View);
        return c;
    }

    /// <summary>The stored lower triangle of C, or of the Cholesky factor of H (no copy); null in <see cref="EditMode.Recompute"/>.</summary>
    internal Matrix<T>? CovarianceStorage => _covariance;

    private bool IsFactored => Options.Form == CovarianceForm.CholeskyFactor && Mode != EditMode.Recompute;

    /// <inheritdoc />
    public EditStepReport Step(MatrixView<T> keys, MatrixView<T> values)
    {
        StepMeasurements.ValidateBatch(keys, values, KeyDim, ValueDim, Op);
        int u = keys.Rows;
        Matrix<double>? previous = _bounds is null ? null : ToDouble(_weight.View);
        var clock = Stopwatch.StartNew();

        var innovation = StepMeasurements.Innovation(keys, values, _weight.View);   // E = V − K·W_{t−1}   u×d_v
        var delta = _delta;
        delta.View.Fill(T.Zero);
        if (u > 0)
        {
            if (Mode == EditMode.Recompute)
            {
                _normal!.Add(keys, values);
                _normal.Factor(_workspace!.View);
                _normal.RightHandSide.View.CopyTo(delta.View);
                Cholesky.SolveInPlace(_workspace.View, delta.View);                 // H_t⁻¹B_t
                for (int i = 0; i < delta.Data.Length; i++) delta.Data[i] -= _weight.Data[i];
            }
            else
            {
                var c = _covariance!;
                if (Mode == EditMode.Reset)
                {
                    SymmetricStorage.CopyLower(_covariance!.View, _workspace!.View);
                    c = _workspace;
                }
                var gain = new Matrix<T>(KeyDim, u);
                if (IsFactored)
                {
                    var row = new T[KeyDim];
                    for (int r = 0; r < u; r++)
                    {
                        for (int j = 0; j < KeyDim; j++) row[j] = keys[r, j];
                        CholeskyRankOne.UpdateInPlace(c.View, row);                 // L Lᵀ ← L Lᵀ + k_rᵀk_r
                    }
                    keys.Transposed.CopyTo(gain.View);
                    Cholesky.SolveInPlace(c.View, gain.View);                       // gain = H_t⁻¹Kᵀ = C_tKᵀ          d_k×u
                }
                else Woodbury.UpdateInPlace(c.View, keys, gain.View);               // C ← C − F S⁻¹Fᵀ, gain = F S⁻¹   d_k×u
                Blas.Gemm(T.One, gain.View, innovation.View, T.Zero, delta.View);   // ΔW = F S⁻¹ E                    d_k×d_v
                _normal?.Add(keys, values);
            }
            for (int i = 0; i < delta.Data.Length; i++) _weight.Data[i] += delta.Data[i];
        }
        StepCount++;
        if (Options.RefactorEvery > 0 && Mode == EditMode.Recursive && StepCount % Options.RefactorEvery == 0) Refactor();
        var elapsed = clock.Elapsed;

        var (after, whitened) = StepMeasurements.After(keys, values, _weight.View, innovation.View);
        IReadOnlyList<BoundCheck> bounds = _bounds is null
            ? []
            : _bounds.Observe(ToDouble(keys), ToDouble(values), previous!, ToDouble(_weight.View));
        return new EditStepReport(StepCount, u, double.CreateTruncating(Norms.Frobenius(delta.View)),
            double.CreateTruncating(Norms.Frobenius(innovation.View)), after, whitened, elapsed, bounds);
    }

    /// <summary>
    /// Replaces the recursive C_t by a fresh H_t⁻¹ from the accumulated information matrix (Cholesky, O(d_k³)), removing the
    /// rounding the subtractive updates have accumulated. Requires <see cref="RlsEditorOptions.TrackInformation"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">H_t is not tracked, or the mode is not <see cref="EditMode.Recursive"/>.</exception>
    public void Refactor()
    {
        if (Mode != EditMode.Recursive || _normal is null)
            throw new InvalidOperationException("RlsEditor.Refactor: needs EditMode.Recursive with TrackInformation (H_t is not kept otherwise).");
        _normal.Factor(_covariance!.View);
        if (!IsFactored) Cholesky.InvertInPlace(_covariance.View);
    }

    /// <summary>
    /// Cheap checks of C_t over a long stream: a power-iteration estimate of λ_min(H_t) = 1/λ_max(C_t), min diag(C_t)
    /// (must stay > 0), and — when H_t is tracked — the inverse error ‖H_t C_t − I‖_F / √d_k (O(d_k³)). With
    /// <see cref="CovarianceForm.CholeskyFactor"/> C_t is first formed from the factor (O(d_k³)).
    /// </summary>
    public NumericalHealth CheckHealth(int powerIterations = 50)
    {
        if (_covariance is null) return new NumericalHealth(double.NaN, double.NaN, null);
        var c = IsFactored ? Covariance() : _covariance;
        double lambdaMaxC = SpectralBounds.LargestEigenvalueEstimate(c.View, powerIterations);
        double minDiag = double.PositiveInfinity;
        for (int i = 0; i < KeyDim; i++) minDiag = Math.Min(minDiag, double.CreateTruncating(c[i, i]));
        double? inverseError = null;
        if (_normal is not null && Mode == EditMode.Recursive)
        {
            var hc = new Matrix<T>(KeyDim, KeyDim);
            var full = Covariance();
            Blas.Symm(Side.Left, T.One, _normal.Information.View, full.View, T.Zero, hc.View);
            for (int i = 0; i < KeyDim; i++) hc[i, i] -= T.One;
            inverseError = double.CreateTruncating(Norms.Frobenius(hc.View)) / Math.Sqrt(KeyDim);
        }
        return new NumericalHealth(1.0 / lambdaMaxC, minDiag, inverseError);
    }

    private static Matrix<double> ToDouble(MatrixView<T> a)
    {
        var m = new Matrix<double>(a.Rows, a.Cols);
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < a.Cols; j++) m[i, j] = double.CreateTruncating(a[i, j]);
        return m;
    }

    private static Anchor<double> AnchorToDouble(Anchor<T> anchor) =>
        anchor.Keys is { } k
            ? Anchor<double>.FromKeys(ToDouble(k.View).View, anchor.Values is { } v ? ToDouble(v.View).View : null)
            : Anchor<double>.FromSecondMoment(ToDouble(anchor.Gram.View).View);
}
