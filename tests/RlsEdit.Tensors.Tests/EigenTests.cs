using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using MnMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using Xunit;
using static RlsEdit.Tensors.Tests.DecompositionTestData;

namespace RlsEdit.Tensors.Tests;

public class EigenTests
{
    /// <summary>
    /// Backward-stable symmetric eigensolvers give ‖A − VΛVᵀ‖ ≤ p(n)·ε·‖A‖ and ‖VᵀV − I‖ ≤ p(n)·ε, and by Weyl
    /// |λᵢ − λ̂ᵢ| ≤ p(n)·ε·‖A‖₂; p(n) = c·n with a small c covers Householder + QR sweeps in practice.
    /// </summary>
    private const double C = 4;

    private static void AssertDecomposition<T>(Matrix<double> a, MatrixView<T> input) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        SymmetricEigenDecomposition<T> eig = SymmetricEigen.Decompose(input);
        Matrix<T> v = eig.Vectors!;
        Assert.Equal(n, eig.Values.Length);
        Assert.Equal((n, n), (v.Rows, v.Cols));
        double tol = C * Math.Max(1, n) * Epsilon<T>();

        var vd = ToMathNet(v.View);
        var lambda = eig.Values.Select(double.CreateTruncating).ToArray();
        var an = ToMathNet(a);
        double normA = an.FrobeniusNorm();
        var reconstruction = vd * MnMatrix.Build.DiagonalOfDiagonalArray(lambda) * vd.Transpose();
        if (n > 0 && normA > 0)
            Assert.True((an - reconstruction).FrobeniusNorm() / normA <= tol, $"reconstruction {(an - reconstruction).FrobeniusNorm() / normA:E3} > {tol:E3}");
        double orthogonality = (vd.TransposeThisAndMultiply(vd) - MnMatrix.Build.DenseIdentity(n)).FrobeniusNorm();
        Assert.True(orthogonality <= tol, $"orthogonality {orthogonality:E3} > {tol:E3}");

        for (int i = 1; i < n; i++) Assert.True(lambda[i - 1] <= lambda[i], "eigenvalues must ascend");
        if (n == 0) return;
        // The oracle sees the same (rounded) input the routine saw.
        var oracle = ToMathNet(ToInputAsDouble(input, a)).Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).Order().ToArray();
        double norm2 = oracle.Max(Math.Abs);
        for (int i = 0; i < n; i++)
            Assert.True(Math.Abs(lambda[i] - oracle[i]) <= tol * Math.Max(norm2, double.Epsilon), $"λ[{i}] = {lambda[i]:R} vs MathNet {oracle[i]:R}");
    }

    private static Matrix<double> ToInputAsDouble<T>(MatrixView<T> input, Matrix<double> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new Matrix<double>(a.Rows, a.Cols);
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j <= i; j++) m[i, j] = m[j, i] = double.CreateTruncating(input[i, j]);
        return m;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(101)]
    public void Random_symmetric_matrices_decompose_in_double_and_float(int n)
    {
        var a = RandomSymmetric(n, new Random(n + 1));
        AssertDecomposition(a, a.View);
        var f = ToSingle(a);
        AssertDecomposition(FromSingle(f), f.View);
    }

    [Fact]
    public void Repeated_and_clustered_eigenvalues_still_give_orthonormal_vectors()
    {
        double[] lambda = [1, 1, 1, 2, 2, 3, 3 + 1e-13, 3 + 2e-13, -5, -5, 0, 0, 0, 1e-9, 7];
        var a = WithSpectrum(lambda, new Random(7));
        AssertDecomposition(a, a.View);
        double[] values = SymmetricEigen.Values(a.View);
        double[] expected = lambda.Order().ToArray();
        for (int i = 0; i < lambda.Length; i++) Assert.Equal(expected[i], values[i], 1e-13);
    }

    [Theory]
    [InlineData(1e6)]
    [InlineData(1e12)]
    public void Ill_conditioned_spectra_keep_absolute_accuracy(double condition)
    {
        var a = WithSpectrum(GeometricSpectrum(40, condition), new Random(40));
        AssertDecomposition(a, a.View);
        var f = ToSingle(a);
        AssertDecomposition(FromSingle(f), f.View);
    }

    [Fact]
    public void A_diagonal_matrix_gives_its_sorted_diagonal_and_a_permutation()
    {
        var a = Matrix<double>.FromArray(new double[,] { { 3, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 0, 2, 0 }, { 0, 0, 0, -1 } });
        var eig = SymmetricEigen.Decompose(a.View);
        Assert.Equal([-1.0, -1.0, 2.0, 3.0], eig.Values);
        var v = eig.Vectors!;
        for (int j = 0; j < 4; j++)
        {
            int nonZero = Enumerable.Range(0, 4).Count(i => v[i, j] != 0);
            Assert.Equal(1, nonZero);
            int row = Enumerable.Range(0, 4).Single(i => v[i, j] != 0);
            Assert.Equal(1.0, Math.Abs(v[row, j]));
            Assert.Equal(eig.Values[j], a[row, row]);
        }
    }

    [Fact]
    public void One_by_one_zero_and_empty_inputs()
    {
        var one = SymmetricEigen.Decompose(Matrix<float>.FromArray(new float[,] { { -2.5f } }).View);
        Assert.Equal([-2.5f], one.Values);
        Assert.Equal(1f, one.Vectors![0, 0]);

        var zero = SymmetricEigen.Decompose(new Matrix<double>(3, 3).View);
        Assert.Equal(new double[3], zero.Values);
        Assert.Equal(Matrix<double>.Identity(3).Data, zero.Vectors!.Data);

        var empty = SymmetricEigen.Decompose(new Matrix<double>(0, 0).View);
        Assert.Empty(empty.Values);
        Assert.Equal((0, 0), (empty.Vectors!.Rows, empty.Vectors.Cols));
    }

    [Fact]
    public void Only_the_lower_triangle_is_read_and_the_input_is_not_modified()
    {
        var a = RandomSymmetric(9, new Random(3));
        var lower = a.Clone();
        for (int i = 0; i < 9; i++)
            for (int j = i + 1; j < 9; j++) lower[i, j] = double.NaN;
        var before = (double[])lower.Data.Clone();
        AssertDecomposition(a, lower.View);
        Assert.Equal(before.Select(BitConverter.DoubleToInt64Bits), lower.Data.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Strided_and_transposed_views_are_accepted()
    {
        var big = RandomSymmetric(20, new Random(11));
        MatrixView<double> block = big.View.Slice(3, 3, 11, 11);
        AssertDecomposition(block.ToMatrix(), block);
        // The lower triangle of the transposed view is the upper triangle of the block: the same symmetric matrix.
        AssertDecomposition(block.ToMatrix(), block.Transposed);
    }

    [Theory]
    [InlineData(1e-150)]
    [InlineData(1e150)]
    public void Extreme_scales_neither_overflow_nor_underflow(double scale)
    {
        var a = RandomSymmetric(12, new Random(5));
        var scaled = new Matrix<double>(12, 12, a.Data.Select(x => x * scale).ToArray());
        double[] expected = SymmetricEigen.Values(a.View);
        double[] values = SymmetricEigen.Values(scaled.View);
        double norm = expected.Max(Math.Abs);
        for (int i = 0; i < 12; i++) Assert.True(Math.Abs(values[i] / scale - expected[i]) <= 1e-13 * norm);
    }

    [Fact]
    public void Wilkinson_matrix_with_nearly_equal_pairs()
    {
        // W21+: tridiagonal with |i − 10| on the diagonal and ones beside it; its top eigenvalues agree to ~1e-14.
        const int n = 21;
        var a = new Matrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            a[i, i] = Math.Abs(i - 10);
            if (i > 0) a[i, i - 1] = a[i - 1, i] = 1;
        }
        AssertDecomposition(a, a.View);
    }

    [Fact]
    public void Values_only_matches_the_full_decomposition()
    {
        var a = RandomSymmetric(30, new Random(8));
        var eig = SymmetricEigen.Decompose(a.View);
        var values = SymmetricEigen.Values(a.View);
        for (int i = 0; i < 30; i++) Assert.Equal(eig.Values[i], values[i], 1e-12);
        Assert.Null(SymmetricEigen.Decompose(a.View, computeVectors: false).Vectors);
    }

    [Fact]
    public void Bad_input_is_rejected_with_typed_errors()
    {
        Assert.Throws<ShapeMismatchException>(() => SymmetricEigen.Decompose(new Matrix<double>(3, 4).View));
        var a = RandomSymmetric(4, new Random(1));
        a[2, 1] = double.PositiveInfinity;
        var e = Assert.Throws<NonFiniteValueException>(() => SymmetricEigen.Decompose(a.View));
        Assert.Equal((2, 1), (e.Row, e.Col));
    }

    [Property(MaxTest = 40)]
    public Property Random_sizes_reconstruct_and_stay_orthonormal(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int n = random.Next(0, 40);
        var a = RandomSymmetric(n, random);
        AssertDecomposition(a, a.View);
        return true.Label($"n = {n}");
    }

    private static Matrix<double> FromSingle(Matrix<float> f) => new(f.Rows, f.Cols, Array.ConvertAll(f.Data, x => (double)x));
}
