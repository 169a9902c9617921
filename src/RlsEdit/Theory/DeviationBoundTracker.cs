using RlsEdit.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Theory;

/// <summary>
/// Evaluates the deviation bounds of docs/theory.md (derived from the objective, not the paper's own constants) along a
/// stream, in float64, from its own running sums: E_t = Σ‖K_iW₀ − V_i‖², G_t = Σ K_iᵀ(V_i − K_iW₀) + βK₀ᵀ(V₀ − K₀W₀), H_t.
/// <list type="bullet">
/// <item>B1: ‖W_t − W₀‖_F ≤ √((E_t + A₀)/α); B1-anchor: ‖K₀W_t − V₀‖_F ≤ √((E_t + A₀)/β), with A₀ = β‖K₀W₀ − V₀‖².</item>
/// <item>B2: ‖W_t − W₀‖_F ≤ ‖H_t⁻¹‖₂ ‖G_t‖_F.</item>
/// <item>B3: ‖W_t − W_{t−1}‖_F ≤ √(s²/(a(a + s²))) ‖V_t − K_tW_{t−1}‖_F, a = λ_min(H_{t−1}), s = ‖K_t‖₂.</item>
/// </list>
/// Eigenvalues enter through one-sided bisection bounds (<see cref="SpectralBounds"/>), so every right-hand side is
/// computed on the safe side. O(d_k³) per step: a diagnostic for small d_k.
/// </summary>
public sealed class DeviationBoundTracker
{
    private readonly Matrix<double> _w0;
    private readonly RlsHyperParameters _hyper;
    private readonly Anchor<double>? _anchor;
    private readonly Matrix<double> _information;
    private readonly Matrix<double> _gradient;
    private readonly double _anchorMisfit;
    private double _editMisfit;

    /// <summary>Starts at t = 0 for the objective with start weight <paramref name="w0"/>, weights <paramref name="hyper"/> and <paramref name="anchor"/>.</summary>
    public DeviationBoundTracker(Matrix<double> w0, RlsHyperParameters hyper, Anchor<double>? anchor)
    {
        _w0 = w0.Clone();
        _hyper = hyper;
        _anchor = anchor;
        var normal = new NormalEquations<double>(w0.View, hyper, anchor);
        _information = normal.Information;
        // G₀ = B₀ − H₀W₀ = βK₀ᵀ(V₀ − K₀W₀).
        _gradient = normal.RightHandSide;
        Blas.Symm(Side.Left, -1.0, _information.View, _w0.View, 1.0, _gradient.View);
        if (anchor?.Values is { } v0)
        {
            var misfit = v0.Clone();
            Blas.Gemm(-1.0, anchor.Keys!.View, _w0.View, 1.0, misfit.View);
            double n = Norms.Frobenius(misfit.View);
            _anchorMisfit = hyper.Beta * n * n;
        }
    }

    /// <summary>t, the number of observed steps.</summary>
    public int StepCount { get; private set; }

    /// <summary>
    /// Folds in step t (keys <paramref name="keys"/>, values <paramref name="values"/>) and evaluates every bound that applies
    /// (B1 needs α &gt; 0, B1-anchor needs β &gt; 0 and an anchor) for the weights before and after the step.
    /// </summary>
    public IReadOnlyList<BoundCheck> Observe(Matrix<double> keys, Matrix<double> values, Matrix<double> previous, Matrix<double> current)
    {
        double a = SpectralBounds.LambdaMinLowerBound(_information.View);
        var gram = new Matrix<double>(keys.Rows, keys.Rows);
        Blas.Syrk(1.0, keys.View, 0.0, gram.View);
        double s2 = keys.Rows == 0 ? 0 : Math.Max(0, SpectralBounds.LambdaMaxUpperBound(gram.View));
        var innovation = StepMeasurements.Innovation(keys.View, values.View, previous.View);

        var misfit = StepMeasurements.Innovation(keys.View, values.View, _w0.View);     // V − K·W₀
        double m = Norms.Frobenius(misfit.View);
        _editMisfit += m * m;
        Blas.Gemm(1.0, keys.View.Transposed, misfit.View, 1.0, _gradient.View);
        Blas.Syrk(1.0, keys.View.Transposed, 1.0, _information.View);
        StepCount++;

        double deviation = Norms.FrobeniusDistance(current.View, _w0.View);
        double j0 = _editMisfit + _anchorMisfit;
        var checks = new List<BoundCheck>(4);
        if (_hyper.Alpha > 0) checks.Add(new BoundCheck("B1", deviation, Math.Sqrt(j0 / _hyper.Alpha)));
        if (_hyper.Beta > 0 && _anchor is not null) checks.Add(new BoundCheck("B1-anchor", AnchorMisfit(current), Math.Sqrt(j0 / _hyper.Beta)));
        double lambdaMin = SpectralBounds.LambdaMinLowerBound(_information.View);
        checks.Add(new BoundCheck("B2", deviation, lambdaMin > 0 ? Norms.Frobenius(_gradient.View) / lambdaMin : double.PositiveInfinity));
        double gainNorm = a > 0 ? Math.Sqrt(s2 / (a * (a + s2))) : double.PositiveInfinity;
        checks.Add(new BoundCheck("B3", Norms.FrobeniusDistance(current.View, previous.View), gainNorm * Norms.Frobenius(innovation.View)));
        return checks;
    }

    // ‖K₀W − V₀‖_F; with only a second moment (V₀ = K₀W₀) it is √tr(ΔWᵀ K₀ᵀK₀ ΔW), ΔW = W − W₀.
    private double AnchorMisfit(Matrix<double> w)
    {
        if (_anchor!.Keys is { } k0)
        {
            var r = _anchor.Values is { } v0 ? v0.Clone() : new Matrix<double>(k0.Rows, w.Cols);
            if (_anchor.Values is null) Blas.Gemm(1.0, k0.View, _w0.View, 0.0, r.View);
            Blas.Gemm(-1.0, k0.View, w.View, 1.0, r.View);
            return Norms.Frobenius(r.View);
        }
        var delta = w.Clone();
        for (int i = 0; i < delta.Data.Length; i++) delta.Data[i] -= _w0.Data[i];
        var gd = new Matrix<double>(delta.Rows, delta.Cols);
        Blas.Symm(Side.Left, 1.0, _anchor.Gram.View, delta.View, 0.0, gd.View);
        double tr = 0;
        for (int i = 0; i < gd.Data.Length; i++) tr += gd.Data[i] * delta.Data[i];
        return Math.Sqrt(Math.Max(0, tr));
    }
}
