using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static RlsEdit.Tensors.Tests.CholeskyTestMatrices;

namespace RlsEdit.Tensors.Tests;

public sealed record SpdCase(int N, double Cond, ViewLayout ViewLayout, int Rhs, int Seed)
{
    public override string ToString() => $"n={N} κ={Cond:G2} {ViewLayout} rhs={Rhs} seed={Seed}";
}

public static class SpdArbitraries
{
    public static Arbitrary<SpdCase> Cases() =>
        (from n in SizeGen(200)
         from cond in Gen.Elements(1.0, 10.0, 1e3, 1e5)
         from layout in LayoutGen
         from rhs in Gen.Elements(1, 3, 17)
         from seed in Gen.Choose(0, int.MaxValue)
         select new SpdCase(n, cond, layout, rhs, seed)).ToArbitrary();
}

public class CholeskyTests
{
    // Condition numbers float can still resolve: the solve/inverse bounds grow with κ·ε.
    private static double Cond<T>(SpdCase c) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Math.Min(c.Cond, 1e3) : c.Cond;

    /// <summary>Places A with NaN in its strict upper triangle: the factorization must neither read nor write it.</summary>
    private static MatrixView<T> PlaceLowerOnly<T>(double[,] a, ViewLayout layout, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var v = Place<T>(a, layout, rng);
        for (int i = 0; i < v.Rows; i++)
            for (int j = i + 1; j < v.Cols; j++) v[i, j] = T.NaN;
        return v;
    }

    private static bool FactorReconstructs<T>(SpdCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(c.Seed);
        var (a, _) = Spd(c.N, Cond<T>(c), rng);
        var view = PlaceLowerOnly<T>(a, c.ViewLayout, rng);
        var rounded = SymmetricFromLower(ToDouble(view));

        Cholesky.FactorInPlace(view);

        var l = Lower(ToDouble(view));
        for (int i = 0; i < c.N; i++)
        {
            if (!(l[i, i] > 0)) return false;
            for (int j = i + 1; j < c.N; j++)
                if (!T.IsNaN(view[i, j])) return false;
        }
        double error = RelativeDistance(Multiply(l, Transpose(l)), rounded);
        return error <= 2 * (c.N + 1) * Eps<T>();
    }

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 40)]
    public bool Double_factor_reconstructs_A(SpdCase c) => FactorReconstructs<double>(c);

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 40)]
    public bool Float_factor_reconstructs_A(SpdCase c) => FactorReconstructs<float>(c);

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 30)]
    public bool Blocked_loop_reconstructs_A_for_any_block_size(SpdCase c)
    {
        // The default block (512) exceeds the test sizes, so drive the panel/trailing-update loop with small blocks.
        int blockSize = 1 + c.Seed % 40;
        var rng = new Random(c.Seed);
        var (a, _) = Spd(c.N, c.Cond, rng);
        var view = PlaceLowerOnly<double>(a, c.ViewLayout, rng);
        var rounded = SymmetricFromLower(ToDouble(view));
        Cholesky.FactorBlocked(view, blockSize);
        var l = Lower(ToDouble(view));
        return RelativeDistance(Multiply(l, Transpose(l)), rounded) <= 2 * (c.N + 1) * Eps<double>();
    }

    /// <summary>
    /// Blocks wider than the GEMM's default k block (256) run the trailing update with a k block of the block size:
    /// the default block (512) and an odd one, both element types, an ill-conditioned input and a transposed
    /// (column-major) view.
    /// </summary>
    [Theory]
    [InlineData(300, 1e6)]
    [InlineData(512, 1e2)]
    public void Blocks_wider_than_the_gemm_k_block_reconstruct_A(int blockSize, double cond)
    {
        const int n = 523;
        var rng = new Random(blockSize);
        var (a, _) = Spd(n, cond, rng);
        var view = PlaceLowerOnly<double>(a, ViewLayout.Transposed, rng);
        var rounded = SymmetricFromLower(ToDouble(view));
        Cholesky.FactorBlocked(view, blockSize);
        var l = Lower(ToDouble(view));
        Assert.True(RelativeDistance(Multiply(l, Transpose(l)), rounded) <= 2 * (n + 1) * Eps<double>());

        var single = PlaceLowerOnly<float>(a, ViewLayout.Dense, rng);
        var roundedSingle = SymmetricFromLower(ToDouble(single));
        Cholesky.FactorBlocked(single, blockSize);
        var ls = Lower(ToDouble(single));
        Assert.True(RelativeDistance(Multiply(ls, Transpose(ls)), roundedSingle) <= 2 * (n + 1) * Eps<float>());
    }

    private static bool SolveResidualIsSmall<T>(SpdCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(c.Seed);
        var (a, _) = Spd(c.N, Cond<T>(c), rng);
        var l = Place<T>(a, c.ViewLayout, rng);
        var rounded = ToDouble(l);
        var x = Place<T>(Random(c.N, c.Rhs, rng), c.ViewLayout, rng);
        var b = ToDouble(x);

        Cholesky.FactorInPlace(l);
        Cholesky.SolveInPlace(l, x);

        var xd = ToDouble(x);
        double residual = Frobenius(Add(Multiply(rounded, xd), b, -1));
        // Backward stable: ‖A·x − b‖ ≤ c·n·ε·(‖A‖·‖x‖ + ‖b‖), with the factor's growth in the constant.
        return residual <= 8 * (c.N + 1) * Eps<T>() * (Frobenius(rounded) * Frobenius(xd) + Frobenius(b));
    }

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 40)]
    public bool Double_solve_has_a_small_residual(SpdCase c) => SolveResidualIsSmall<double>(c);

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 40)]
    public bool Float_solve_has_a_small_residual(SpdCase c) => SolveResidualIsSmall<float>(c);

    private static bool InverseMatchesMathNet<T>(SpdCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(c.Seed);
        double cond = Cond<T>(c);
        var (a, _) = Spd(c.N, cond, rng);
        var view = PlaceLowerOnly<T>(a, c.ViewLayout, rng);
        var expected = Inverse(SymmetricFromLower(ToDouble(view)));

        Cholesky.FactorInPlace(view);
        Cholesky.InvertInPlace(view);

        for (int i = 0; i < c.N; i++)
            for (int j = i + 1; j < c.N; j++)
                if (!T.IsNaN(view[i, j])) return false;
        double error = RelativeDistance(Lower(ToDouble(view)), Lower(expected));
        return error <= 4 * (c.N + 1) * Eps<T>() * cond;
    }

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 40)]
    public bool Double_inverse_matches_MathNet(SpdCase c) => InverseMatchesMathNet<double>(c);

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 40)]
    public bool Float_inverse_matches_MathNet(SpdCase c) => InverseMatchesMathNet<float>(c);

    [Property(Arbitrary = new[] { typeof(SpdArbitraries) }, MaxTest = 30)]
    public bool Log_determinant_is_the_sum_of_log_eigenvalues(SpdCase c)
    {
        var rng = new Random(c.Seed);
        var (a, lambda) = Spd(c.N, c.Cond, rng);
        var l = Place<double>(a, c.ViewLayout, rng);
        Cholesky.FactorInPlace(l);
        double expected = lambda.Sum(Math.Log);
        return Math.Abs(Cholesky.LogDeterminant(l) - expected) <= 1e-12 * (c.N + 1) * (1 + Math.Log(c.Cond));
    }

    [Fact]
    public void Factor_agrees_with_MathNet_on_a_size_spanning_several_blocks()
    {
        var rng = new Random(3);
        var (a, _) = Spd(300, 100, rng);
        var l = Place<double>(a, ViewLayout.Dense, rng);
        Cholesky.FactorInPlace(l);
        var expected = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Cholesky().Factor.ToArray();
        Assert.True(RelativeDistance(Lower(ToDouble(l)), expected) < 1e-12);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(40, 0)]
    [InlineData(150, 137)]
    [InlineData(150, 149)]
    [InlineData(131, 64)]
    [InlineData(300, 280)]
    public void Failure_reports_the_failing_pivot_index_and_value(int n, int failing)
    {
        // A = L·Lᵀ with A_jj lowered by L_jj² + 0.5: the Schur complement at pivot j is exactly −0.5.
        var rng = new Random(n + failing);
        var lower = Lower(Random(n, n, rng, 0.5));
        for (int i = 0; i < n; i++) lower[i, i] = 1 + rng.NextDouble();
        var a = Multiply(lower, Transpose(lower));
        a[failing, failing] -= lower[failing, failing] * lower[failing, failing] + 0.5;

        var e = Assert.Throws<NotPositiveDefiniteException>(() => Cholesky.FactorInPlace(Place<double>(a, ViewLayout.Strided, rng)));

        Assert.Equal(failing, e.PivotIndex);
        Assert.Equal(-0.5, e.PivotValue, 1e-9);
        Assert.Contains($"pivot {failing}", e.Message);
    }

    [Theory]
    [InlineData(double.NaN, 5, 2)]
    [InlineData(double.PositiveInfinity, 70, 70)]
    [InlineData(double.NegativeInfinity, 129, 3)]
    [InlineData(double.NaN, 139, 137)]
    [InlineData(double.PositiveInfinity, 0, 0)]
    [InlineData(double.NegativeInfinity, 64, 63)]
    public void Non_finite_input_is_reported_with_its_position_before_any_write(double bad, int row, int col)
    {
        var rng = new Random(1);
        var (a, _) = Spd(140, 10, rng);
        a[row, col] = bad;
        var view = Place<double>(a, ViewLayout.Dense, rng);
        var before = ToDouble(view);

        var e = Assert.Throws<NonFiniteValueException>(() => Cholesky.FactorInPlace(view));

        Assert.Equal((row, col), (e.Row, e.Col));
        Assert.Equal(before, ToDouble(view));
    }

    [Fact]
    public void Non_finite_values_in_the_unread_upper_triangle_are_ignored()
    {
        var a = Matrix<float>.FromArray(new float[,] { { 4, float.NaN }, { 2, 5 } });
        Cholesky.FactorInPlace(a.View);
        Assert.Equal(new[] { 2f, float.NaN, 1f, 2f }, a.Data);
    }

    [Fact]
    public void Empty_matrix_factors_solves_inverts_and_has_log_determinant_zero()
    {
        var a = new Matrix<double>(0, 0);
        Cholesky.FactorInPlace(a.View);
        Cholesky.SolveInPlace(a.View, new Matrix<double>(0, 3).View);
        Cholesky.InvertInPlace(a.View);
        Assert.Equal(0.0, Cholesky.LogDeterminant(a.View));
    }

    [Fact]
    public void Shape_errors_name_the_operation_and_shapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Cholesky.FactorInPlace(new Matrix<double>(3, 4).View));
        Assert.Equal("Cholesky.FactorInPlace", e.Operation);
        Assert.Contains("3×4", e.Message);
        var s = Assert.Throws<ShapeMismatchException>(() => Cholesky.SolveInPlace(Matrix<double>.Identity(3).View, new Matrix<double>(4, 1).View));
        Assert.Equal("Cholesky.SolveInPlace", s.Operation);
        Assert.Throws<ShapeMismatchException>(() => Cholesky.InvertInPlace(new Matrix<float>(2, 1).View));
        Assert.Throws<ShapeMismatchException>(() => Cholesky.LogDeterminant(new Matrix<float>(2, 1).View));
    }
}
