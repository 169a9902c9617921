using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Tensors.Tests;

/// <summary>Naive double-precision results and the |α||A||B| + |β||C| magnitudes the error bounds scale with.</summary>
internal static class Oracle
{
    public static (double[,] Value, double[,] Magnitude) Gemm<T>(double alpha, Func<int, int, double> a, Func<int, int, double> b,
        int m, int n, int k, double beta, MatrixView<T> c0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var value = new double[m, n];
        var magnitude = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++) { sum += a(i, p) * b(p, j); abs += Math.Abs(a(i, p) * b(p, j)); }
                double c = beta == 0 ? 0 : double.CreateTruncating(c0[i, j]);
                value[i, j] = alpha * sum + beta * c;
                magnitude[i, j] = Math.Abs(alpha) * abs + Math.Abs(beta * c);
            }
        return (value, magnitude);
    }

    public static Func<int, int, double> Of<T>(MatrixView<T> m) where T : unmanaged, IFloatingPointIeee754<T> =>
        (i, j) => double.CreateTruncating(m[i, j]);

    public static Func<int, int, double> SymmetricFromLower<T>(MatrixView<T> m) where T : unmanaged, IFloatingPointIeee754<T> =>
        (i, j) => double.CreateTruncating(i >= j ? m[i, j] : m[j, i]);
}
