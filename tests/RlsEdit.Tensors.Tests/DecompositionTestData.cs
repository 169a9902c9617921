using MnMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace RlsEdit.Tensors.Tests;

/// <summary>Random test matrices for the eigen, spectral and QR tests; MathNet serves as the independent oracle.</summary>
internal static class DecompositionTestData
{
    public const double DoubleEpsilon = 2.220446049250313e-16;
    public const double SingleEpsilon = 1.1920929e-7;

    public static double Epsilon<T>() => typeof(T) == typeof(float) ? SingleEpsilon : DoubleEpsilon;

    public static Matrix<double> Gaussian(int rows, int cols, Random random)
    {
        var m = new Matrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = NextGaussian(random);
        return m;
    }

    public static double NextGaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static Matrix<double> RandomSymmetric(int n, Random random)
    {
        var g = Gaussian(n, n, random);
        var a = new Matrix<double>(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i, j] = (g[i, j] + g[j, i]) / 2;
        return a;
    }

    /// <summary>Q·diag(λ)·Qᵀ with a Haar-like random orthogonal Q (from MathNet's QR of a Gaussian matrix).</summary>
    public static Matrix<double> WithSpectrum(double[] lambda, Random random)
    {
        int n = lambda.Length;
        if (n == 0) return new Matrix<double>(0, 0);
        var q = ToMathNet(Gaussian(n, n, random)).QR().Q;
        var a = q * MnMatrix.Build.DiagonalOfDiagonalArray(lambda) * q.Transpose();
        var result = FromMathNet(a);
        // Exact symmetry so the matrix's lower triangle is the whole story.
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) result[j, i] = result[i, j];
        return result;
    }

    public static double[] GeometricSpectrum(int n, double condition) =>
        Enumerable.Range(0, n).Select(i => n == 1 ? 1 : Math.Pow(condition, -(double)i / (n - 1))).ToArray();

    public static MnMatrix ToMathNet<T>(MatrixView<T> m) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        MnMatrix.Build.Dense(m.Rows, m.Cols, (i, j) => double.CreateTruncating(m[i, j]));

    public static MnMatrix ToMathNet(Matrix<double> m) => ToMathNet(m.View);

    public static Matrix<double> FromMathNet(MnMatrix m)
    {
        var r = new Matrix<double>(m.RowCount, m.ColumnCount);
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++) r[i, j] = m[i, j];
        return r;
    }

    public static Matrix<float> ToSingle(Matrix<double> m) =>
        new(m.Rows, m.Cols, Array.ConvertAll(m.Data, x => (float)x));

    public static Matrix<T> Convert<T>(Matrix<double> m) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new(m.Rows, m.Cols, Array.ConvertAll(m.Data, T.CreateTruncating));
}
