using RlsEdit.Tensors;

namespace RlsEdit.Theory;

/// <summary>
/// The many-edits limits of the minimiser W_t* (docs/theory.md; derived from the objective). With n_t = Σ u_i key rows and
/// (1/n_t)ΣK_iᵀK_i → Σ_K, (1/n_t)ΣK_iᵀV_i → Σ_KV:
/// R1 (fixed α, β): W_t* → Σ_K⁻¹Σ_KV, the population least-squares map (Σ_K ≻ 0);
/// R2 (α_t/n_t → ᾱ, β_t/n_t → β̄): W_t* → (Σ_K + ᾱI + β̄K₀ᵀK₀)⁻¹(Σ_KV + ᾱW₀ + β̄K₀ᵀV₀), the ridge population minimiser.
/// </summary>
public static class ManyEditsLimits
{
    /// <summary>R1: Σ_K⁻¹Σ_KV.</summary>
    /// <exception cref="NotPositiveDefiniteException">Σ_K is singular; the limit is then not unique.</exception>
    public static Matrix<double> PopulationLeastSquares(Matrix<double> keyCovariance, Matrix<double> crossCovariance)
    {
        var l = keyCovariance.Clone();
        Cholesky.FactorInPlace(l.View);
        var w = crossCovariance.Clone();
        Cholesky.SolveInPlace(l.View, w.View);
        return w;
    }

    /// <summary>R2: the minimiser of tr(WᵀΣ_KW) − 2tr(WᵀΣ_KV) + ᾱ‖W − W₀‖² + β̄‖K₀W − V₀‖², i.e. <paramref name="normalizedHyper"/> = (ᾱ, β̄).</summary>
    public static Matrix<double> RidgePopulationMinimiser(Matrix<double> keyCovariance, Matrix<double> crossCovariance,
        RlsHyperParameters normalizedHyper, Matrix<double> w0, Anchor<double>? anchor)
    {
        var normal = new NormalEquations<double>(w0.View, normalizedHyper, anchor);
        for (int i = 0; i < keyCovariance.Rows; i++)
            for (int j = 0; j <= i; j++) normal.Information[i, j] += keyCovariance[i, j];
        for (int i = 0; i < crossCovariance.Data.Length; i++) normal.RightHandSide.Data[i] += crossCovariance.Data[i];
        return normal.Solve();
    }
}
