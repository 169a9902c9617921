using RlsEdit.Tensors;

namespace RlsEdit.Editing;

/// <summary>
/// How separable a set of edit keys is in the metric that MEMIT-style editors use, E[kkᵀ]⁻¹. A one-row update with
/// preservation w·E[kkᵀ] moves another key's output by kᵢᵀ(wE)⁻¹kⱼ against kᵢᵀ(wE)⁻¹kᵢ for its own, so the whitened
/// Gram matrix G = K E⁻¹ Kᵀ decides how much an edit of one subject leaks onto the others. Random keys in d_k
/// dimensions would give cosines of about 1/√d_k; keys of a model that stores its facts elsewhere share one large
/// direction and span only a few more.
/// </summary>
/// <param name="Layer">The layer whose MLP keys were measured.</param>
/// <param name="Keys">Number of keys n (one per subject).</param>
/// <param name="KeyDimension">d_k.</param>
/// <param name="WhitenedNormSquared">Mean kᵀE⁻¹k over the keys (d_k on average for keys drawn from the statistics' own distribution).</param>
/// <param name="SharedFraction">m̄ᵀE⁻¹m̄ ÷ mean kᵀE⁻¹k for the mean key m̄: the part of every key that all subjects share (0 … 1).</param>
/// <param name="CenteredNormSquared">Mean (k − m̄)ᵀE⁻¹(k − m̄): the subject-specific part an edit can address.</param>
/// <param name="CenteredCosineRms">Root-mean-square whitened cosine between two different subjects' centred keys.</param>
/// <param name="CenteredEffectiveDimension">Participation ratio (tr Gc)² ÷ ‖Gc‖²_F of the centred Gram matrix: how many
/// whitened directions the subject-specific parts really span (at most n − 1).</param>
public sealed record KeyGeometry(int Layer, int Keys, int KeyDimension, double WhitenedNormSquared, double SharedFraction,
    double CenteredNormSquared, double CenteredCosineRms, double CenteredEffectiveDimension)
{
    /// <summary>
    /// Measures the n×d_k <paramref name="keys"/> (rows) against the second moment <paramref name="secondMoment"/> (d_k×d_k,
    /// symmetric positive semi-definite). A jitter of 1e-6 · mean diagonal is added before the Cholesky factorisation,
    /// as the RLSEdit editor does when λ = 0.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The shapes do not agree, or fewer than two keys are given.</exception>
    /// <exception cref="NotPositiveDefiniteException">The jittered second moment is not positive definite.</exception>
    public static KeyGeometry Measure(int layer, MatrixView<double> keys, MatrixView<double> secondMoment)
    {
        int n = keys.Rows, dk = keys.Cols;
        if (secondMoment.Rows != dk || secondMoment.Cols != dk)
            throw new ShapeMismatchException("KeyGeometry.Measure", "second moment", $"{dk}×{dk}", $"{secondMoment.Rows}×{secondMoment.Cols}");
        if (n < 2) throw new ShapeMismatchException("KeyGeometry.Measure", "keys", "at least 2 rows", $"{n} rows");
        Guard.Finite(keys, "KeyGeometry.Measure", "keys");

        var factor = new Matrix<double>(dk, dk);
        secondMoment.CopyTo(factor.View);
        double meanDiagonal = 0;
        for (int i = 0; i < dk; i++) meanDiagonal += factor[i, i] / dk;
        for (int i = 0; i < dk; i++) factor[i, i] += 1e-6 * Math.Max(meanDiagonal, double.Epsilon);
        Cholesky.FactorInPlace(factor.View);
        var solved = new Matrix<double>(dk, n);
        keys.Transposed.CopyTo(solved.View);
        Cholesky.SolveInPlace(factor.View, solved.View);                     // E⁻¹Kᵀ        d_k×n
        var gram = new Matrix<double>(n, n);
        Blas.Gemm(1.0, keys, solved.View, 0.0, gram.View);                    // G = K E⁻¹ Kᵀ  n×n

        var rowMean = new double[n];
        double grandMean = 0, meanNorm = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) rowMean[i] += gram[i, j] / n;
            grandMean += rowMean[i] / n;
            meanNorm += gram[i, i] / n;
        }
        // Gc = (K − 1m̄ᵀ) E⁻¹ (K − 1m̄ᵀ)ᵀ, from G alone; m̄ᵀE⁻¹m̄ is the grand mean of G.
        var centred = new Matrix<double>(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) centred[i, j] = gram[i, j] - rowMean[i] - rowMean[j] + grandMean;

        double trace = 0, frobenius2 = 0, cosine2 = 0;
        for (int i = 0; i < n; i++)
        {
            trace += centred[i, i];
            for (int j = 0; j < n; j++)
            {
                frobenius2 += centred[i, j] * centred[i, j];
                if (i != j) cosine2 += centred[i, j] * centred[i, j] / Math.Max(centred[i, i] * centred[j, j], double.Epsilon);
            }
        }
        return new KeyGeometry(layer, n, dk, meanNorm, grandMean / meanNorm, trace / n, Math.Sqrt(cosine2 / (n * (n - 1.0))),
            frobenius2 > 0 ? trace * trace / frobenius2 : 0);
    }
}
