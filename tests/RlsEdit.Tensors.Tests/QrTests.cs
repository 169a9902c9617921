using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static RlsEdit.Tensors.Tests.DecompositionTestData;
using MnMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace RlsEdit.Tensors.Tests;

public class QrTests
{
    /// <summary>Householder QR is backward stable: ‖A − QR‖ ≤ c·m·ε·‖A‖ and ‖QᵀQ − I‖ ≤ c·m·ε (Higham, Thm 19.4).</summary>
    private const double C = 4;

    private static void AssertFactorization<T>(MatrixView<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, n = a.Cols, k = Math.Min(m, n);
        var before = a.ToMatrix();
        var qr = QrDecomposition.Factor(a);
        Matrix<T> q = qr.ThinQ(), r = qr.R;
        Assert.Equal((m, k), (q.Rows, q.Cols));
        Assert.Equal((k, n), (r.Rows, r.Cols));
        for (int i = 0; i < k; i++)
            for (int j = 0; j < i; j++) Assert.Equal(T.Zero, r[i, j]);

        double tol = C * Math.Max(1, m) * Epsilon<T>();
        var an = ToMathNet(a);
        var qn = ToMathNet(q.View);
        var rn = ToMathNet(r.View);
        double normA = an.FrobeniusNorm();
        if (normA > 0)
            Assert.True((an - qn * rn).FrobeniusNorm() / normA <= tol, $"‖A − QR‖/‖A‖ = {(an - qn * rn).FrobeniusNorm() / normA:E3} > {tol:E3}");
        double orthogonality = (qn.TransposeThisAndMultiply(qn) - MnMatrix.Build.DenseIdentity(k)).FrobeniusNorm();
        Assert.True(orthogonality <= tol, $"‖QᵀQ − I‖ = {orthogonality:E3} > {tol:E3}");
        // |R| agrees with an independent QR up to the signs of its rows.
        if (m >= n && n > 0)
        {
            var oracle = an.QR().R;
            for (int i = 0; i < n; i++)
                for (int j = i; j < n; j++)
                    Assert.True(Math.Abs(Math.Abs(rn[i, j]) - Math.Abs(oracle[i, j])) <= tol * normA, $"R[{i},{j}]");
        }
        Assert.Equal(before.Data, a.ToMatrix().Data);
    }

    // Sizes straddle the 32-column panels of the blocked factorization (one, several, and a partial last panel).
    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 0)]
    [InlineData(1, 1)]
    [InlineData(5, 1)]
    [InlineData(7, 3)]
    [InlineData(31, 31)]
    [InlineData(50, 20)]
    [InlineData(121, 40)]
    [InlineData(3, 7)]
    [InlineData(64, 64)]
    [InlineData(70, 65)]
    [InlineData(40, 70)]
    [InlineData(200, 33)]
    public void Factorization_reconstructs_and_q_is_orthonormal(int m, int n)
    {
        var a = Gaussian(m, n, new Random(m * 100 + n));
        AssertFactorization(a.View);
        AssertFactorization(ToSingle(a).View);
    }

    [Fact]
    public void Strided_and_transposed_inputs()
    {
        var big = Gaussian(30, 30, new Random(3));
        AssertFactorization(big.View.Slice(2, 5, 17, 9));
        AssertFactorization(big.View.Slice(2, 5, 9, 17).Transposed);
    }

    [Fact]
    public void Applying_q_transpose_to_a_gives_r_over_zeros_and_q_undoes_it()
    {
        var a = Gaussian(13, 5, new Random(4));
        var qr = QrDecomposition.Factor(a.View);
        var y = a.Clone();
        qr.ApplyQTransposeInPlace(y.View);
        var r = qr.R;
        for (int i = 0; i < 13; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(i < 5 ? r[i, j] : 0.0, y[i, j], 1e-13);

        var b = Gaussian(13, 4, new Random(5));
        var round = b.Clone();
        qr.ApplyQTransposeInPlace(round.View.Transposed.Transposed);
        qr.ApplyQInPlace(round.View);
        Assert.True(Norms.FrobeniusDistance(b.View, round.View) <= 1e-14 * Norms.Frobenius(b.View));

        // The same through a non-contiguous view of the right-hand sides.
        var wide = Gaussian(4, 13, new Random(6));
        var expected = wide.View.Transposed.ToMatrix();
        qr.ApplyQTransposeInPlace(expected.View);
        qr.ApplyQTransposeInPlace(wide.View.Transposed);
        Assert.True(Norms.FrobeniusDistance(expected.View, wide.View.Transposed) <= 1e-14 * Norms.Frobenius(expected.View));
    }

    [Property(MaxTest = 40)]
    public Property Random_shapes_factor_stably(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int m = random.Next(0, 40), n = random.Next(0, 40);
        AssertFactorization(Gaussian(m, n, random).View);
        return true.Label($"{m}×{n}");
    }

    [Fact]
    public void Non_finite_input_and_wrong_right_hand_sides_are_rejected()
    {
        var a = Gaussian(4, 3, new Random(1));
        a[3, 2] = double.NaN;
        var e = Assert.Throws<NonFiniteValueException>(() => QrDecomposition.Factor(a.View));
        Assert.Equal((3, 2), (e.Row, e.Col));
        var qr = QrDecomposition.Factor(Gaussian(4, 3, new Random(1)).View);
        Assert.Throws<ShapeMismatchException>(() => qr.ApplyQTransposeInPlace(new Matrix<double>(3, 2).View));
        Assert.Throws<ShapeMismatchException>(() => qr.ApplyQInPlace(new Matrix<double>(5, 1).View));
    }
}
