using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>
/// Rank-1 modifications of a Cholesky factor in O(n²): given L with A = L·Lᵀ, overwrite L with the factor of
/// A + x·xᵀ (update) or A − x·xᵀ (downdate). Only the lower triangle of L is read and written.
/// </summary>
public static class CholeskyRankOne
{
    /// <summary>L ← chol(L·Lᵀ + x·xᵀ), by one Givens rotation per column.</summary>
    /// <exception cref="ShapeMismatchException">L is not square or x does not have n elements.</exception>
    /// <exception cref="NonFiniteValueException">x holds NaN or ±Infinity.</exception>
    public static void UpdateInPlace<T>(MatrixView<T> l, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "CholeskyRankOne.UpdateInPlace";
        int n = CheckArguments(l, x, op);
        T[] w = x.ToArray();
        for (int k = 0; k < n; k++)
        {
            T lkk = l[k, k];
            T r = T.Hypot(lkk, w[k]);
            T c = r / lkk, s = w[k] / lkk;
            l[k, k] = r;
            for (int i = k + 1; i < n; i++)
            {
                T lik = (l[i, k] + s * w[i]) / c;
                l[i, k] = lik;
                w[i] = c * w[i] - s * lik;
            }
        }
    }

    /// <summary>
    /// L ← chol(L·Lᵀ − x·xᵀ) (LINPACK dchdd): p = L⁻¹x is solved first, and the downdate exists only when
    /// ‖p‖ &lt; 1, so an impossible downdate is detected before L is touched.
    /// </summary>
    /// <exception cref="ShapeMismatchException">L is not square or x does not have n elements.</exception>
    /// <exception cref="NonFiniteValueException">x holds NaN or ±Infinity.</exception>
    /// <exception cref="NotPositiveDefiniteException">A − x·xᵀ is not positive definite; reports the first pivot that would be ≤ 0. L is unchanged.</exception>
    public static void DowndateInPlace<T>(MatrixView<T> l, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "CholeskyRankOne.DowndateInPlace";
        int n = CheckArguments(l, x, op);
        T[] p = x.ToArray();
        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, T.One, l, MatrixView<T>.RowMajor(p, n, 1));

        // The new pivots are L_kk²·(1 − Σ_{j≤k} p_j²)/(1 − Σ_{j<k} p_j²): the first non-positive numerator fails.
        T remaining = T.One;
        for (int k = 0; k < n; k++)
        {
            T next = remaining - p[k] * p[k];
            if (!(next > T.Zero))
                throw new NotPositiveDefiniteException(op + " (A − x·xᵀ)", k, double.CreateTruncating(l[k, k] * l[k, k] * next / remaining));
            remaining = next;
        }

        // Rotations that turn [p; α] into [0; 1], with α = √(1 − ‖p‖²), computed from the bottom up.
        var c = new T[n];
        var s = new T[n];
        T alpha = T.Sqrt(remaining);
        for (int i = n - 1; i >= 0; i--)
        {
            T scale = alpha + T.Abs(p[i]);
            T a = alpha / scale, b = p[i] / scale;
            T norm = T.Sqrt(a * a + b * b);
            c[i] = a / norm;
            s[i] = b / norm;
            alpha = scale * norm;
        }

        // Apply them to R = Lᵀ column by column (row j of L).
        MatrixView<T> r = l.Transposed;
        for (int j = 0; j < n; j++)
        {
            T xx = T.Zero;
            for (int i = j; i >= 0; i--)
            {
                T t = c[i] * xx + s[i] * r[i, j];
                r[i, j] = c[i] * r[i, j] - s[i] * xx;
                xx = t;
            }
        }
    }

    private static int CheckArguments<T>(MatrixView<T> l, ReadOnlySpan<T> x, string op) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(l, op, "l");
        if (x.Length != l.Rows) throw new ShapeMismatchException(op, "x", $"{l.Rows} elements", $"{x.Length} elements");
        for (int i = 0; i < x.Length; i++)
            if (!T.IsFinite(x[i])) throw new NonFiniteValueException(op, "x", i, 0, double.CreateTruncating(x[i]));
        return l.Rows;
    }
}
