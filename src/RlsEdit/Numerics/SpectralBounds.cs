using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Numerics;

/// <summary>
/// Extreme eigenvalues of symmetric matrices stored in their lower triangle, without an eigendecomposition:
/// bisection on "does Cholesky of A − σI (or σI − A) succeed" gives one-sided bounds, power iteration a cheap estimate.
/// </summary>
public static class SpectralBounds
{
    /// <summary>
    /// A lower bound on λ_min(A) for symmetric A, found by bisection on σ with Cholesky of A − σI as the test, to a relative
    /// width of <paramref name="relativeTolerance"/> of the Gershgorin radius (O(d³) per probe, about 50 probes). Returns a
    /// value ≤ 0 when A is not positive definite. The test is exact up to the Cholesky backward error (≈ d·ε·‖A‖).
    /// </summary>
    public static double LambdaMinLowerBound(MatrixView<double> aLower, double relativeTolerance = 1e-13)
    {
        Guard.Square(aLower, "SpectralBounds.LambdaMinLowerBound", "a");
        var (lo, hi) = Gershgorin(aLower);
        double width = Math.Max(hi - lo, double.Epsilon);
        lo -= relativeTolerance * width;   // strictly below, so A − σI is definite at the start
        while (hi - lo > relativeTolerance * width)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (IsPositiveDefiniteShifted(aLower, mid, 1)) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>An upper bound on λ_max(A) for symmetric A, by bisection with Cholesky of σI − A (see <see cref="LambdaMinLowerBound"/>).</summary>
    public static double LambdaMaxUpperBound(MatrixView<double> aLower, double relativeTolerance = 1e-13)
    {
        Guard.Square(aLower, "SpectralBounds.LambdaMaxUpperBound", "a");
        var (lo, hi) = Gershgorin(aLower);
        double width = Math.Max(hi - lo, double.Epsilon);
        hi += relativeTolerance * width;   // strictly above, so σI − A is definite at the start
        while (hi - lo > relativeTolerance * width)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (IsPositiveDefiniteShifted(aLower, mid, -1)) hi = mid; else lo = mid;
        }
        return hi;
    }

    /// <summary>
    /// The Rayleigh quotient after <paramref name="iterations"/> power iterations on symmetric A (lower triangle): an estimate
    /// from below of λ_max(A) when A is PSD. O(d²) per iteration; deterministic start vector.
    /// </summary>
    public static double LargestEigenvalueEstimate<T>(MatrixView<T> aLower, int iterations = 50) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(aLower, "SpectralBounds.LargestEigenvalueEstimate", "a");
        int n = aLower.Rows;
        if (n == 0) return 0;
        var x = new Matrix<T>(n, 1);
        var y = new Matrix<T>(n, 1);
        // A start vector with no special structure, so it is not orthogonal to the top eigenvector in practice.
        for (int i = 0; i < n; i++) x[i, 0] = T.CreateTruncating(1.0 + 0.5 * Math.Sin(1.0 + i));
        double rayleigh = 0;
        for (int it = 0; it < Math.Max(1, iterations); it++)
        {
            T norm = Norms.Frobenius(x.View);
            if (norm == T.Zero) return 0;
            for (int i = 0; i < n; i++) x[i, 0] /= norm;
            Blas.Symm(Side.Left, T.One, aLower, x.View, T.Zero, y.View);
            double dot = 0;
            for (int i = 0; i < n; i++) dot += double.CreateTruncating(x[i, 0]) * double.CreateTruncating(y[i, 0]);
            rayleigh = dot;
            (x, y) = (y, x);
        }
        return rayleigh;
    }

    private static (double Lo, double Hi) Gershgorin(MatrixView<double> aLower)
    {
        int n = aLower.Rows;
        if (n == 0) return (0, 0);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double radius = 0;
            for (int j = 0; j < n; j++)
                if (j != i) radius += Math.Abs(i > j ? aLower[i, j] : aLower[j, i]);
            lo = Math.Min(lo, aLower[i, i] - radius);
            hi = Math.Max(hi, aLower[i, i] + radius);
        }
        return (lo, hi);
    }

    // sign = +1 tests A − σI ≻ 0, sign = −1 tests σI − A ≻ 0.
    private static bool IsPositiveDefiniteShifted(MatrixView<double> aLower, double sigma, int sign)
    {
        int n = aLower.Rows;
        var m = new Matrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++) m[i, j] = sign * aLower[i, j];
            m[i, i] = sign * (aLower[i, i] - sigma);
        }
        try
        {
            Cholesky.FactorInPlace(m.View);
            return true;
        }
        catch (NotPositiveDefiniteException)
        {
            return false;
        }
    }
}
