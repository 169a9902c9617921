using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static RlsEdit.Tensors.Tests.CholeskyTestMatrices;

namespace RlsEdit.Tensors.Tests;

public sealed record RankOneCase(int N, double Cond, double Size, ViewLayout ViewLayout, int Seed)
{
    public override string ToString() => $"n={N} κ={Cond:G2} ‖L⁻¹x‖={Size} {ViewLayout} seed={Seed}";
}

public static class RankOneArbitraries
{
    public static Arbitrary<RankOneCase> Cases() =>
        (from n in SizeGen(131).Where(n => n > 0)
         from cond in Gen.Elements(1.0, 100.0, 1e4)
         from size in Gen.Elements(0.1, 0.5, 0.9, 3.0)
         from layout in LayoutGen
         from seed in Gen.Choose(0, int.MaxValue)
         select new RankOneCase(n, cond, size, layout, seed)).ToArbitrary();
}

public class RankUpdateTests
{
    /// <summary>A, its factor in the given layout, and x = L·z with ‖z‖ = size, so that A − xxᵀ is SPD exactly when size &lt; 1.</summary>
    private static (double[,] A, MatrixView<T> L, T[] X) Setup<T>(RankOneCase c, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (a, _) = Spd(c.N, typeof(T) == typeof(float) ? Math.Min(c.Cond, 100) : c.Cond, rng);
        var l = Place<T>(a, c.ViewLayout, rng);
        Cholesky.FactorInPlace(l);
        var lower = Lower(ToDouble(l));
        var z = new double[c.N, 1];
        for (int i = 0; i < c.N; i++) z[i, 0] = Gaussian(rng);
        double scale = c.Size / Frobenius(z);
        var x = Multiply(lower, z);
        return (Multiply(lower, Transpose(lower)), l, Enumerable.Range(0, c.N).Select(i => T.CreateTruncating(x[i, 0] * scale)).ToArray());
    }

    private static double[,] OuterProduct<T>(T[] x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var col = new double[x.Length, 1];
        for (int i = 0; i < x.Length; i++) col[i, 0] = double.CreateTruncating(x[i]);
        return Multiply(col, Transpose(col));
    }

    /// <summary>The result is a Cholesky factor (positive diagonal) of the target, and equals refactoring the target.</summary>
    private static bool IsFactorOf<T>(MatrixView<T> l, double[,] target, double cond) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows;
        var lower = Lower(ToDouble(l));
        for (int i = 0; i < n; i++) if (!(lower[i, i] > 0)) return false;
        var refactored = Place<double>(target, ViewLayout.Dense, new Random(0));
        Cholesky.FactorInPlace(refactored);
        double tolerance = 16 * (n + 1) * Eps<T>();
        return RelativeDistance(Multiply(lower, Transpose(lower)), target) <= tolerance
            && RelativeDistance(lower, Lower(ToDouble(refactored))) <= tolerance * Math.Sqrt(cond) * 10;
    }

    private static bool UpdateEqualsRefactoring<T>(RankOneCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(c.Seed);
        var (a, l, x) = Setup<T>(c, rng);
        CholeskyRankOne.UpdateInPlace(l, x);
        return IsFactorOf(l, Add(a, OuterProduct(x)), c.Cond);
    }

    [Property(Arbitrary = new[] { typeof(RankOneArbitraries) }, MaxTest = 30)]
    public bool Double_rank_one_update_equals_refactoring(RankOneCase c) => UpdateEqualsRefactoring<double>(c);

    [Property(Arbitrary = new[] { typeof(RankOneArbitraries) }, MaxTest = 30)]
    public bool Float_rank_one_update_equals_refactoring(RankOneCase c) => UpdateEqualsRefactoring<float>(c);

    private static bool DowndateEqualsRefactoringOrThrows<T>(RankOneCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(c.Seed);
        var (a, l, x) = Setup<T>(c, rng);
        if (c.Size >= 1)
        {
            var before = ToDouble(l);
            try { CholeskyRankOne.DowndateInPlace(l, x); }
            catch (NotPositiveDefiniteException e) { return e.PivotValue <= 0 && e.PivotIndex < c.N && RelativeDistance(ToDouble(l), before) == 0; }
            return false;
        }
        CholeskyRankOne.DowndateInPlace(l, x);
        // The downdated matrix is worse conditioned by up to 1/(1 − ‖z‖²).
        return IsFactorOf(l, Add(a, OuterProduct(x), -1), c.Cond / (1 - c.Size * c.Size));
    }

    [Property(Arbitrary = new[] { typeof(RankOneArbitraries) }, MaxTest = 30)]
    public bool Double_rank_one_downdate_equals_refactoring_or_throws(RankOneCase c) => DowndateEqualsRefactoringOrThrows<double>(c);

    [Property(Arbitrary = new[] { typeof(RankOneArbitraries) }, MaxTest = 30)]
    public bool Float_rank_one_downdate_equals_refactoring_or_throws(RankOneCase c) => DowndateEqualsRefactoringOrThrows<float>(c);

    [Fact]
    public void Impossible_downdate_reports_the_first_failing_pivot()
    {
        // L = I, x = (0.6, 0.9, 0.1): 1 − 0.36 > 0 but 1 − 0.36 − 0.81 < 0, so pivot 1 fails with value −0.17/0.64.
        var l = Matrix<double>.Identity(3);
        var e = Assert.Throws<NotPositiveDefiniteException>(() => CholeskyRankOne.DowndateInPlace(l.View, new[] { 0.6, 0.9, 0.1 }));
        Assert.Equal(1, e.PivotIndex);
        Assert.Equal(-0.17 / 0.64, e.PivotValue, 1e-12);
        Assert.Equal(Matrix<double>.Identity(3).Data, l.Data);
    }

    [Fact]
    public void Update_then_downdate_restores_the_factor()
    {
        var rng = new Random(5);
        var (a, _) = Spd(57, 30, rng);
        var l = Place<double>(a, ViewLayout.Strided, rng);
        Cholesky.FactorInPlace(l);
        var original = Lower(ToDouble(l));
        var x = Enumerable.Range(0, 57).Select(_ => Gaussian(rng)).ToArray();
        CholeskyRankOne.UpdateInPlace(l, x);
        CholeskyRankOne.DowndateInPlace(l, x);
        Assert.True(RelativeDistance(Lower(ToDouble(l)), original) < 1e-12);
    }

    [Fact]
    public void Rank_one_arguments_are_checked()
    {
        var l = Matrix<double>.Identity(3);
        Assert.Throws<ShapeMismatchException>(() => CholeskyRankOne.UpdateInPlace(l.View, new double[2]));
        Assert.Throws<ShapeMismatchException>(() => CholeskyRankOne.DowndateInPlace(new Matrix<double>(3, 2).View, new double[3]));
        var e = Assert.Throws<NonFiniteValueException>(() => CholeskyRankOne.UpdateInPlace(l.View, new[] { 0, double.NaN, 0 }));
        Assert.Equal(1, e.Row);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(33, 5)]
    [InlineData(131, 17)]
    public void Rank_k_downdate_matches_naive_loops_on_the_lower_triangle(int n, int k)
    {
        var rng = new Random(n * 31 + k);
        var c = Random(n, n, rng);
        var g = Random(n, k, rng);
        var cView = Place<double>(c, ViewLayout.Transposed, rng);
        var gView = Place<double>(g, ViewLayout.Strided, rng);
        SymmetricRankUpdate.DowndateInPlace(cView, gView);
        var expected = Add(c, Multiply(g, Transpose(g)), -1);
        var actual = ToDouble(cView);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(j <= i ? expected[i, j] : c[i, j], actual[i, j], 1e-12);

        SymmetricRankUpdate.UpdateInPlace(cView, gView);
        Assert.True(RelativeDistance(Lower(ToDouble(cView)), Lower(c)) < 1e-13);
    }

    [Fact]
    public void Rank_k_shape_errors_name_g()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => SymmetricRankUpdate.DowndateInPlace(Matrix<float>.Identity(4).View, new Matrix<float>(3, 2).View));
        Assert.Contains("'g'", e.Message);
    }
}
