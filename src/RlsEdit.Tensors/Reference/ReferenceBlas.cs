using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>
/// Plain triple-loop level-3 kernels: the readable definition of each operation, the oracle the fast
/// paths are tested against, and the fallback for tiny sizes. No blocking, no SIMD.
/// </summary>
internal static class ReferenceBlas
{
    public static void Gemm<T>(T alpha, MatrixView<T> a, MatrixView<T> b, T beta, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < c.Rows; i++)
            for (int j = 0; j < c.Cols; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < a.Cols; p++) sum += a[i, p] * b[p, j];
                c[i, j] = beta == T.Zero ? alpha * sum : alpha * sum + beta * c[i, j];
            }
    }

    public static void Syrk<T>(T alpha, MatrixView<T> a, T beta, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < c.Rows; i++)
            for (int j = 0; j <= i; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < a.Cols; p++) sum += a[i, p] * a[j, p];
                c[i, j] = beta == T.Zero ? alpha * sum : alpha * sum + beta * c[i, j];
            }
    }

    public static void Symm<T>(Side side, T alpha, MatrixView<T> aLower, MatrixView<T> b, T beta, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = aLower.Rows;
        T A(int i, int j) => i >= j ? aLower[i, j] : aLower[j, i];
        for (int i = 0; i < c.Rows; i++)
            for (int j = 0; j < c.Cols; j++)
            {
                T sum = T.Zero;
                if (side == Side.Left) for (int p = 0; p < n; p++) sum += A(i, p) * b[p, j];
                else for (int p = 0; p < n; p++) sum += b[i, p] * A(p, j);
                c[i, j] = beta == T.Zero ? alpha * sum : alpha * sum + beta * c[i, j];
            }
    }

    public static void Trsm<T>(Side side, Triangle triangle, Diagonal diagonal, T alpha, MatrixView<T> a, MatrixView<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        bool unit = diagonal == Diagonal.Unit;
        if (side == Side.Left)
        {
            // Column by column of B: forward substitution for lower, backward for upper.
            for (int j = 0; j < b.Cols; j++)
            {
                if (triangle == Triangle.Lower)
                    for (int i = 0; i < n; i++)
                    {
                        T s = alpha * b[i, j];
                        for (int p = 0; p < i; p++) s -= a[i, p] * b[p, j];
                        b[i, j] = unit ? s : s / a[i, i];
                    }
                else
                    for (int i = n - 1; i >= 0; i--)
                    {
                        T s = alpha * b[i, j];
                        for (int p = i + 1; p < n; p++) s -= a[i, p] * b[p, j];
                        b[i, j] = unit ? s : s / a[i, i];
                    }
            }
        }
        else
        {
            // X·A = αB row by row: for lower A solve from the last column back, for upper from the first.
            for (int r = 0; r < b.Rows; r++)
            {
                if (triangle == Triangle.Upper)
                    for (int j = 0; j < n; j++)
                    {
                        T s = alpha * b[r, j];
                        for (int p = 0; p < j; p++) s -= b[r, p] * a[p, j];
                        b[r, j] = unit ? s : s / a[j, j];
                    }
                else
                    for (int j = n - 1; j >= 0; j--)
                    {
                        T s = alpha * b[r, j];
                        for (int p = j + 1; p < n; p++) s -= b[r, p] * a[p, j];
                        b[r, j] = unit ? s : s / a[j, j];
                    }
            }
        }
    }
}
