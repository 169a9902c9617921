using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>
/// Cholesky factorization A = L·Lᵀ of a symmetric positive-definite matrix stored in its lower triangle,
/// and the solves, inverse and log-determinant that use the factor.
/// </summary>
public static class Cholesky
{
    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> with L (potrf). Only the lower triangle is read;
    /// the strict upper triangle is left as it was. In place: on failure the lower triangle is partly overwritten.
    /// </summary>
    /// <exception cref="NotPositiveDefiniteException">A pivot is ≤ 0 or not finite.</exception>
    public static void FactorInPlace<T>(MatrixView<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(a, "Cholesky.FactorInPlace", "a");
        int n = a.Rows;
        for (int j = 0; j < n; j++)
        {
            T d = a[j, j];
            for (int p = 0; p < j; p++) d -= a[j, p] * a[j, p];
            if (!(d > T.Zero) || !T.IsFinite(d))
                throw new NotPositiveDefiniteException("Cholesky.FactorInPlace", j, double.CreateTruncating(d));
            T ljj = T.Sqrt(d);
            a[j, j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                T s = a[i, j];
                for (int p = 0; p < j; p++) s -= a[i, p] * a[j, p];
                a[i, j] = s / ljj;
            }
        }
    }

    /// <summary>Solves A·X = B in place of <paramref name="b"/>, given L from <see cref="FactorInPlace{T}"/> (potrs).</summary>
    public static void SolveInPlace<T>(MatrixView<T> l, MatrixView<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, T.One, l, b);
        Blas.Trsm(Side.Left, Triangle.Upper, Diagonal.NonUnit, T.One, l.Transposed, b);
    }

    /// <summary>Overwrites the lower triangle of <paramref name="l"/> (holding L) with the lower triangle of A⁻¹ (potri).</summary>
    public static void InvertInPlace<T>(MatrixView<T> l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(l, "Cholesky.InvertInPlace", "l");
        int n = l.Rows;
        var inv = Matrix<T>.Identity(n);
        SolveInPlace(l, inv.View);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) l[i, j] = inv[i, j];
    }

    /// <summary>log det A = 2·Σ log L_ii, given L.</summary>
    public static T LogDeterminant<T>(MatrixView<T> l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(l, "Cholesky.LogDeterminant", "l");
        T sum = T.Zero;
        for (int i = 0; i < l.Rows; i++) sum += T.Log(l[i, i]);
        return sum + sum;
    }
}
