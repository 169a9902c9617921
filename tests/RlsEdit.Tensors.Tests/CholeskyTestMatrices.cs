using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using MN = MathNet.Numerics.LinearAlgebra;

namespace RlsEdit.Tensors.Tests;

/// <summary>How a test matrix is laid out in memory: the routines must not care.</summary>
public enum ViewLayout
{
    /// <summary>Owned row-major storage.</summary>
    Dense,
    /// <summary>A sub-block of a bigger array: offset and padded row stride.</summary>
    Strided,
    /// <summary>The transposed view of a (padded) buffer holding the transpose: column stride ≠ 1.</summary>
    Transposed,
}

/// <summary>Random test matrices with known spectra, layouts, and naive double-precision oracles.</summary>
public static class CholeskyTestMatrices
{
    /// <summary>Sizes that hit 0, 1, primes, the leaf/base sizes ±1 and non-multiples of the vector width.</summary>
    public static readonly int[] Sizes = { 0, 1, 2, 3, 5, 7, 8, 13, 17, 31, 32, 33, 47, 64, 65, 97, 127, 131, 160, 193 };

    public static Gen<int> SizeGen(int max) => Gen.Elements(Sizes.Where(s => s <= max).ToArray());
    public static Gen<ViewLayout> LayoutGen => Gen.Elements(ViewLayout.Dense, ViewLayout.Strided, ViewLayout.Transposed);

    /// <summary>Machine epsilon of T (2⁻²³ or 2⁻⁵²).</summary>
    public static double Eps<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        double.CreateTruncating(T.BitIncrement(T.One) - T.One);

    /// <summary>Q·diag(λ)·Qᵀ with λ log-spaced from 1 down to 1/cond and Q Haar-random; also returns λ.</summary>
    public static (double[,] A, double[] Eigenvalues) Spd(int n, double cond, Random rng)
    {
        var lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = n == 1 ? 1 : Math.Pow(cond, -(double)i / (n - 1));
        var a = new double[n, n];
        if (n == 0) return (a, lambda);
        var q = MN.Matrix<double>.Build.Dense(n, n, (_, _) => Gaussian(rng)).QR().Q;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < n; p++) s += q[i, p] * lambda[p] * q[j, p];
                a[i, j] = s;
            }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) a[j, i] = a[i, j] = 0.5 * (a[i, j] + a[j, i]);
        return (a, lambda);
    }

    public static double[,] Random(int rows, int cols, Random rng, double scale = 1)
    {
        var a = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) a[i, j] = scale * (2 * rng.NextDouble() - 1);
        return a;
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Copies <paramref name="m"/> (rounded to T) into a fresh buffer laid out as asked; padding holds NaN so stray reads show.</summary>
    public static MatrixView<T> Place<T>(double[,] m, ViewLayout layout, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        if (layout == ViewLayout.Dense)
        {
            var d = new Matrix<T>(rows, cols);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) d[i, j] = T.CreateTruncating(m[i, j]);
            return d.View;
        }
        int offset = rng.Next(1, 5), pad = rng.Next(1, 4);
        bool transposed = layout == ViewLayout.Transposed;
        int storedRows = transposed ? cols : rows, storedCols = transposed ? rows : cols, stride = storedCols + pad;
        var data = new T[offset + storedRows * stride + pad];
        System.Array.Fill(data, T.NaN);
        var stored = new MatrixView<T>(data, offset, storedRows, storedCols, stride, 1);
        var view = transposed ? stored.Transposed : stored;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) view[i, j] = T.CreateTruncating(m[i, j]);
        return view;
    }

    public static double[,] ToDouble<T>(MatrixView<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new double[v.Rows, v.Cols];
        for (int i = 0; i < v.Rows; i++)
            for (int j = 0; j < v.Cols; j++) m[i, j] = double.CreateTruncating(v[i, j]);
        return m;
    }

    /// <summary>The lower triangle (diagonal included) with zeros above.</summary>
    public static double[,] Lower(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) l[i, j] = a[i, j];
        return l;
    }

    /// <summary>The symmetric matrix whose lower triangle is that of <paramref name="a"/>.</summary>
    public static double[,] SymmetricFromLower(double[,] a)
    {
        int n = a.GetLength(0);
        var s = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) s[i, j] = s[j, i] = a[i, j];
        return s;
    }

    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int m = a.GetLength(0), k = a.GetLength(1), n = b.GetLength(1);
        if (b.GetLength(0) != k) throw new ArgumentException("inner dimensions differ");
        var c = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
            {
                double aip = a[i, p];
                for (int j = 0; j < n; j++) c[i, j] += aip * b[p, j];
            }
        return c;
    }

    public static double[,] Transpose(double[,] a)
    {
        var t = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) t[j, i] = a[i, j];
        return t;
    }

    public static double[,] Add(double[,] a, double[,] b, double beta = 1)
    {
        var c = new double[a.GetLength(0), a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) c[i, j] = a[i, j] + beta * b[i, j];
        return c;
    }

    public static double Frobenius(double[,] a)
    {
        double s = 0;
        foreach (double x in a) s += x * x;
        return Math.Sqrt(s);
    }

    /// <summary>‖A − B‖_F / max(‖B‖_F, tiny): relative distance, 0 for two empty matrices.</summary>
    public static double RelativeDistance(double[,] a, double[,] b) =>
        Frobenius(Add(a, b, -1)) / Math.Max(Frobenius(b), double.Epsilon);

    /// <summary>Inverse by MathNet (LU with partial pivoting): an oracle independent of our Cholesky.</summary>
    public static double[,] Inverse(double[,] a) =>
        a.GetLength(0) == 0 ? new double[0, 0] : MN.Matrix<double>.Build.DenseOfArray(a).Inverse().ToArray();
}
