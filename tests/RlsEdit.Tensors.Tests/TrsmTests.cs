using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static RlsEdit.Tensors.Tests.CholeskyTestMatrices;

namespace RlsEdit.Tensors.Tests;

public sealed record TrsmCase(Side Side, Triangle Triangle, Diagonal Diagonal, int N, int M, double Alpha, ViewLayout LayoutA, ViewLayout LayoutB, int Seed)
{
    public override string ToString() => $"{Side} {Triangle} {Diagonal} n={N} m={M} α={Alpha} A:{LayoutA} B:{LayoutB} seed={Seed}";
}

public static class TrsmArbitraries
{
    public static Arbitrary<TrsmCase> Cases() =>
        (from side in Gen.Elements(Side.Left, Side.Right)
         from triangle in Gen.Elements(Triangle.Lower, Triangle.Upper)
         from diagonal in Gen.Elements(Diagonal.NonUnit, Diagonal.Unit)
         from n in SizeGen(131)
         from m in SizeGen(65)
         from alpha in Gen.Elements(1.0, -1.0, 0.5, 3.0)
         from la in LayoutGen
         from lb in LayoutGen
         from seed in Gen.Choose(0, int.MaxValue)
         select new TrsmCase(side, triangle, diagonal, n, m, alpha, la, lb, seed)).ToArbitrary();
}

public class TrsmTests
{
    /// <summary>
    /// A triangular matrix with its other triangle (and, for unit diagonal, the diagonal) set to NaN so that a
    /// read of anything outside the named triangle poisons the result. Diagonal in [1, 2] keeps X of moderate size.
    /// </summary>
    private static (double[,] Full, double[,] Effective) Triangular(int n, Triangle triangle, Diagonal diagonal, Random rng)
    {
        var full = new double[n, n];
        var effective = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                bool inside = triangle == Triangle.Lower ? j < i : j > i;
                if (i == j)
                {
                    full[i, j] = diagonal == Diagonal.Unit ? double.NaN : 1 + rng.NextDouble();
                    effective[i, j] = diagonal == Diagonal.Unit ? 1 : full[i, j];
                }
                else if (inside)
                    full[i, j] = effective[i, j] = (2 * rng.NextDouble() - 1) / Math.Sqrt(n);
                else
                    full[i, j] = double.NaN;
            }
        return (full, effective);
    }

    private static bool ResidualIsSmall<T>(TrsmCase c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(c.Seed);
        var (full, effective) = Triangular(c.N, c.Triangle, c.Diagonal, rng);
        var bRows = c.Side == Side.Left ? c.N : c.M;
        var bCols = c.Side == Side.Left ? c.M : c.N;
        var b = Random(bRows, bCols, rng);
        var a = Place<T>(full, c.LayoutA, rng);
        var x = Place<T>(b, c.LayoutB, rng);
        var bRounded = ToDouble(x);

        Blas.Trsm(c.Side, c.Triangle, c.Diagonal, T.CreateTruncating(c.Alpha), a, x);

        var xd = ToDouble(x);
        var product = c.Side == Side.Left ? Multiply(effective, xd) : Multiply(xd, effective);
        var residual = Frobenius(Add(product, bRounded, -c.Alpha));
        double scale = Frobenius(effective) * Frobenius(xd) + Math.Abs(c.Alpha) * Frobenius(bRounded);
        return residual <= 4 * (c.N + 1) * Eps<T>() * scale;
    }

    [Property(Arbitrary = new[] { typeof(TrsmArbitraries) }, MaxTest = 60)]
    public bool Double_solution_has_a_backward_stable_residual(TrsmCase c) => ResidualIsSmall<double>(c);

    [Property(Arbitrary = new[] { typeof(TrsmArbitraries) }, MaxTest = 60)]
    public bool Float_solution_has_a_backward_stable_residual(TrsmCase c) => ResidualIsSmall<float>(c);

    [Theory]
    [InlineData(Side.Left, Triangle.Lower)]
    [InlineData(Side.Left, Triangle.Upper)]
    [InlineData(Side.Right, Triangle.Lower)]
    [InlineData(Side.Right, Triangle.Upper)]
    public void Blocked_path_agrees_with_the_reference_loops(Side side, Triangle triangle)
    {
        var rng = new Random(7);
        var (_, effective) = Triangular(150, triangle, Diagonal.NonUnit, rng);
        var b = Random(side == Side.Left ? 150 : 41, side == Side.Left ? 41 : 150, rng);
        var a = Place<double>(effective, ViewLayout.Dense, rng);
        var fast = Place<double>(b, ViewLayout.Strided, rng);
        var reference = Place<double>(b, ViewLayout.Dense, rng);

        Blas.Trsm(side, triangle, Diagonal.NonUnit, 2.0, a, fast);
        ReferenceBlas.Trsm(side, triangle, Diagonal.NonUnit, 2.0, a, reference);

        Assert.True(RelativeDistance(ToDouble(fast), ToDouble(reference)) < 1e-13);
    }

    [Fact]
    public void Alpha_zero_writes_zeros_without_reading_b()
    {
        var a = Matrix<double>.Identity(40);
        var b = new Matrix<double>(40, 40);
        b.View.Fill(double.NaN);
        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, 0.0, a.View, b.View);
        Assert.All(b.Data, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Empty_right_hand_side_is_a_no_op()
    {
        var a = Matrix<float>.Identity(5);
        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, 1f, a.View, new Matrix<float>(5, 0).View);
        Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.Unit, 1f, new Matrix<float>(0, 0).View, new Matrix<float>(3, 0).View);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected_with_both_shapes()
    {
        var a = Matrix<double>.Identity(4);
        var e = Assert.Throws<ShapeMismatchException>(() => Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, 1.0, a.View, new Matrix<double>(5, 2).View));
        Assert.Contains("5×2", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Blas.Trsm(Side.Right, Triangle.Lower, Diagonal.NonUnit, 1.0, a.View, new Matrix<double>(4, 3).View));
        Assert.Throws<ShapeMismatchException>(() => Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, 1.0, new Matrix<double>(4, 3).View, new Matrix<double>(4, 3).View));
    }
}
