using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static RlsEdit.Tensors.Tests.DecompositionTestData;
using MnMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace RlsEdit.Tensors.Tests;

public class QrLeastSquaresTests
{
    /// <summary>A with singular values spread geometrically over [1/κ, 1] (κ = <paramref name="condition"/>).</summary>
    private static Matrix<double> WithCondition(int m, int n, double condition, Random random)
    {
        var u = ToMathNet(Gaussian(m, n, random)).QR().Q.SubMatrix(0, m, 0, n);
        var v = ToMathNet(Gaussian(n, n, random)).QR().Q;
        double[] sigma = GeometricSpectrum(n, condition);
        return FromMathNet(u * MnMatrix.Build.DiagonalOfDiagonalArray(sigma) * v.Transpose());
    }

    private static void AssertLeastSquares<T>(Matrix<double> a64, Matrix<double> b64, double condition) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Matrix<T> a = Convert<T>(a64), b = Convert<T>(b64);
        Matrix<T> x = LeastSquares.Solve(a.View, b.View);
        Assert.Equal((a.Cols, b.Cols), (x.Rows, x.Cols));

        var an = ToMathNet(a.View);
        var bn = ToMathNet(b.View);
        var xn = ToMathNet(x.View);
        double eps = Epsilon<T>(), m = a.Rows;
        // Residual orthogonality: Aᵀ(Ax − b) vanishes up to the backward error of QR.
        var residual = an * xn - bn;
        double gradient = (an.TransposeThisAndMultiply(residual)).FrobeniusNorm();
        double scale = an.FrobeniusNorm() * (an.FrobeniusNorm() * xn.FrobeniusNorm() + bn.FrobeniusNorm());
        Assert.True(gradient <= 4 * m * eps * scale, $"‖Aᵀr‖ = {gradient:E3} > {4 * m * eps * scale:E3}");

        // Against MathNet's QR solve in double: forward error ≲ c·m·ε·(κ + κ²·‖r‖/(‖A‖‖x‖)).
        var oracle = an.QR().Solve(bn);
        double forward = (xn - oracle).FrobeniusNorm() / oracle.FrobeniusNorm();
        double rOverAx = (an * oracle - bn).FrobeniusNorm() / Math.Max(an.L2Norm() * oracle.FrobeniusNorm(), double.Epsilon);
        double bound = 4 * m * eps * (condition + condition * condition * rOverAx);
        Assert.True(forward <= bound, $"forward error {forward:E3} > {bound:E3}");
    }

    [Theory]
    [InlineData(1, 1, 1.0)]
    [InlineData(6, 1, 1.0)]
    [InlineData(17, 17, 10.0)]
    [InlineData(40, 7, 1e3)]
    [InlineData(150, 30, 1e2)]
    public void Solves_overdetermined_and_square_problems_in_double_and_float(int m, int n, double condition)
    {
        var random = new Random(m + 7 * n);
        var a = WithCondition(m, n, condition, random);
        var b = Gaussian(m, 3, random);
        AssertLeastSquares<double>(a, b, condition);
        AssertLeastSquares<float>(a, b, condition);
    }

    [Property(MaxTest = 30)]
    public Property Random_tall_problems_have_orthogonal_residuals(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int n = random.Next(1, 25), m = n + random.Next(0, 30), p = random.Next(1, 4);
        AssertLeastSquares<double>(WithCondition(m, n, 100, random), Gaussian(m, p, random), 100);
        return true.Label($"{m}×{n}, {p} right-hand sides");
    }

    [Fact]
    public void Ill_conditioned_problems_stay_within_the_perturbation_bound()
    {
        var random = new Random(77);
        var a = WithCondition(80, 20, 1e7, random);
        AssertLeastSquares<double>(a, Gaussian(80, 2, random), 1e7);
    }

    [Fact]
    public void Agrees_with_the_normal_equations_on_a_well_conditioned_problem()
    {
        var random = new Random(42);
        var a = WithCondition(60, 12, 5, random);
        var b = Gaussian(60, 2, random);
        var an = ToMathNet(a);
        var normal = (an.TransposeThisAndMultiply(an)).Cholesky().Solve(an.TransposeThisAndMultiply(ToMathNet(b)));
        var x = ToMathNet(LeastSquares.Solve(a.View, b.View));
        Assert.True((x - normal).FrobeniusNorm() <= 1e-12 * normal.FrobeniusNorm());
    }

    [Fact]
    public void Consistent_systems_recover_the_exact_solution()
    {
        var random = new Random(8);
        var a = Gaussian(25, 6, random);
        var xTrue = Gaussian(6, 2, random);
        var b = new Matrix<double>(25, 2);
        Blas.Gemm(1.0, a.View, xTrue.View, 0.0, b.View);
        var x = LeastSquares.Solve(a.View, b.View);
        Assert.True(Norms.FrobeniusDistance(x.View, xTrue.View) <= 1e-13 * Norms.Frobenius(xTrue.View));
    }

    [Fact]
    public void One_column_is_the_projection_coefficient()
    {
        var a = Matrix<double>.FromArray(new double[,] { { 1 }, { 2 }, { 2 } });
        var b = Matrix<double>.FromArray(new double[,] { { 3 }, { 0 }, { 6 } });
        Assert.Equal(15.0 / 9.0, LeastSquares.Solve(a.View, b.View)[0, 0], 1e-15);
    }

    [Fact]
    public void Inputs_are_not_modified_and_views_are_accepted()
    {
        var random = new Random(12);
        var big = Gaussian(20, 20, random);
        var rhs = Gaussian(3, 20, random);
        var bigBefore = (double[])big.Data.Clone();
        var rhsBefore = (double[])rhs.Data.Clone();
        var x = LeastSquares.Solve(big.View.Slice(1, 2, 15, 4), rhs.View.Transposed.RowRange(3, 15));
        Assert.Equal(bigBefore, big.Data);
        Assert.Equal(rhsBefore, rhs.Data);
        var oracle = ToMathNet(big.View.Slice(1, 2, 15, 4)).QR().Solve(ToMathNet(rhs.View.Transposed.RowRange(3, 15)));
        Assert.True((ToMathNet(x) - oracle).FrobeniusNorm() <= 1e-13 * oracle.FrobeniusNorm());
    }

    [Fact]
    public void Rank_deficient_matrices_raise_a_typed_error_naming_the_column()
    {
        var random = new Random(5);
        var a = Gaussian(10, 4, random);
        for (int i = 0; i < 10; i++) a[i, 2] = a[i, 0] - 3 * a[i, 1];
        var b = Gaussian(10, 1, random);
        var e = Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(a.View, b.View));
        Assert.Equal(2, e.Column);
        Assert.True(e.DiagonalValue <= e.Threshold);

        var zero = new Matrix<double>(5, 2);
        Assert.Equal(0, Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(zero.View, Gaussian(5, 1, random).View)).Column);

        var f = ToSingle(a);
        Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(f.View, ToSingle(b).View));
    }

    [Fact]
    public void The_rank_tolerance_is_adjustable()
    {
        var random = new Random(6);
        var a = WithCondition(20, 5, 1e9, random);
        var b = Gaussian(20, 1, random);
        // κ = 1e9 is full rank at the default tolerance (~20ε) but deficient at a 1e-6 tolerance.
        LeastSquares.Solve(a.View, b.View);
        Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(a.View, b.View, relativeTolerance: 1e-6));
    }

    [Fact]
    public void Shapes_and_values_are_checked()
    {
        var random = new Random(9);
        Assert.Throws<ShapeMismatchException>(() => LeastSquares.Solve(Gaussian(3, 5, random).View, Gaussian(3, 1, random).View));
        Assert.Throws<ShapeMismatchException>(() => LeastSquares.Solve(Gaussian(6, 2, random).View, Gaussian(5, 1, random).View));
        var b = Gaussian(6, 1, random);
        b[4, 0] = double.NegativeInfinity;
        Assert.Throws<NonFiniteValueException>(() => LeastSquares.Solve(Gaussian(6, 2, random).View, b.View));
        Assert.Equal((0, 2), (LeastSquares.Solve(new Matrix<double>(4, 0).View, Gaussian(4, 2, random).View) is var x ? (x.Rows, x.Cols) : default));
    }
}
