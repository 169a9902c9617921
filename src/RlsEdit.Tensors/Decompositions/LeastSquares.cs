using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>Dense least squares min ‖A·X − B‖_F by Householder QR: the independent reference solver for RLS tests and notebooks.</summary>
public static class LeastSquares
{
    /// <summary>
    /// The n×p minimizer X of ‖A·X − B‖_F for an m×n <paramref name="a"/> with m ≥ n and full column rank.
    /// Neither input is modified.
    /// </summary>
    /// <param name="a">The m×n design matrix.</param>
    /// <param name="b">The m×p right-hand sides.</param>
    /// <param name="relativeTolerance">Rank threshold relative to max |R_ii|; default max(m, n)·ε.</param>
    /// <exception cref="ShapeMismatchException">m &lt; n, or <paramref name="b"/> does not have m rows.</exception>
    /// <exception cref="RankDeficientException">The columns of A are dependent to within the tolerance.</exception>
    /// <exception cref="NonFiniteValueException">An input holds NaN or ±Infinity.</exception>
    public static Matrix<T> Solve<T>(MatrixView<T> a, MatrixView<T> b, T? relativeTolerance = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows < a.Cols)
            throw new ShapeMismatchException("LeastSquares.Solve", "a", "at least as many rows as columns (m ≥ n)", $"{a.Rows}×{a.Cols}");
        return QrDecomposition.Factor(a).SolveLeastSquares(b, relativeTolerance);
    }
}
