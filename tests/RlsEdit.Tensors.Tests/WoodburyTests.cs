using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static RlsEdit.Tensors.Tests.CholeskyTestMatrices;

namespace RlsEdit.Tensors.Tests;

public sealed record WoodburyCase(int D, int U, double Cond, ViewLayout LayoutC, ViewLayout LayoutK, int Seed)
{
    public override string ToString() => $"d={D} u={U} κ={Cond:G2} C:{LayoutC} K:{LayoutK} seed={Seed}";
}

public static class WoodburyArbitraries
{
    public static Arbitrary<WoodburyCase> Cases() =>
        (from d in SizeGen(160)
         from u in Gen.Elements(0, 1, 2, 3, 7, 10, 33, 60)
         from cond in Gen.Elements(1.0, 10.0, 100.0, 1e4)
         from lc in LayoutGen
         from lk in LayoutGen
         from seed in Gen.Choose(0, int.MaxValue)
         select new WoodburyCase(d, u, cond, lc, lk, seed)).ToArbitrary();
}

public class WoodburyTests
{
    /// <summary>C = H⁻¹ for an SPD H of condition κ, K with rows of unit scale; returns the oracle (H + KᵀK)⁻¹ too.</summary>
    private static (double[,] C, double[,] K, double[,] Expected) Problem(int d, int u, double cond, Random rng)
    {
        var (h, _) = Spd(d, cond, rng);
        var k = Random(u, d, rng, 1 / Math.Sqrt(Math.Max(d, 1)));
        var expected = Inverse(Add(h, Multiply(Transpose(k), k)));
        return (Inverse(h), k, expected);
    }

    private static bool UpdateMatchesInverseOfUpdatedMatrix<T>(WoodburyCase w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(w.Seed);
        double cond = typeof(T) == typeof(float) ? Math.Min(w.Cond, 100) : w.Cond;
        var (c, k, expected) = Problem(w.D, w.U, cond, rng);
        var cView = Place<T>(c, w.LayoutC, rng);
        for (int i = 0; i < w.D; i++)
            for (int j = i + 1; j < w.D; j++) cView[i, j] = T.NaN;   // must stay unread and unwritten
        var kView = Place<T>(k, w.LayoutK, rng);
        var gain = Place<T>(new double[w.D, w.U], w.LayoutC, rng);

        Woodbury.UpdateInPlace(cView, kView, gain);

        for (int i = 0; i < w.D; i++)
            for (int j = i + 1; j < w.D; j++)
                if (!T.IsNaN(cView[i, j])) return false;
        double tolerance = 8 * (w.D + w.U + 1) * Eps<T>() * cond;
        var updated = SymmetricFromLower(ToDouble(cView));
        bool inverseOk = RelativeDistance(Lower(updated), Lower(expected)) <= tolerance;
        bool gainOk = w.U == 0 || RelativeDistance(ToDouble(gain), Multiply(expected, Transpose(ToDouble(kView)))) <= tolerance;
        return inverseOk && gainOk;
    }

    [Property(Arbitrary = new[] { typeof(WoodburyArbitraries) }, MaxTest = 40)]
    public bool Double_update_is_the_inverse_of_H_plus_KtK(WoodburyCase w) => UpdateMatchesInverseOfUpdatedMatrix<double>(w);

    [Property(Arbitrary = new[] { typeof(WoodburyArbitraries) }, MaxTest = 40)]
    public bool Float_update_is_the_inverse_of_H_plus_KtK(WoodburyCase w) => UpdateMatchesInverseOfUpdatedMatrix<float>(w);

    [Fact]
    public void Ten_single_row_steps_equal_one_ten_row_step()
    {
        var rng = new Random(11);
        var (c, k, _) = Problem(70, 10, 50, rng);
        var stepwise = Place<double>(c, ViewLayout.Dense, rng);
        var batch = Place<double>(c, ViewLayout.Dense, rng);
        var kView = Place<double>(k, ViewLayout.Dense, rng);
        var gain1 = new Matrix<double>(70, 1);
        for (int r = 0; r < 10; r++) Woodbury.UpdateInPlace(stepwise, kView.RowRange(r, 1), gain1.View);
        Woodbury.UpdateInPlace(batch, kView, new Matrix<double>(70, 10).View);
        Assert.True(RelativeDistance(Lower(ToDouble(stepwise)), Lower(ToDouble(batch))) < 1e-12);
    }

    [Fact]
    public void Zero_rows_leave_C_unchanged()
    {
        var c = Matrix<double>.Identity(4);
        Woodbury.UpdateInPlace(c.View, new Matrix<double>(0, 4).View, new Matrix<double>(4, 0).View);
        Assert.Equal(Matrix<double>.Identity(4).Data, c.Data);
    }

    [Fact]
    public void Indefinite_C_is_reported_and_left_unchanged()
    {
        var c = Matrix<double>.Identity(6);
        for (int i = 0; i < 6; i++) c[i, i] = -2;
        var k = new Matrix<double>(1, 6);
        k[0, 3] = 1;   // S = 1 + k·C·kᵀ = −1
        var before = c.Clone();
        var e = Assert.Throws<NotPositiveDefiniteException>(() => Woodbury.UpdateInPlace(c.View, k.View, new Matrix<double>(6, 1).View));
        Assert.Equal(0, e.PivotIndex);
        Assert.Equal(-1.0, e.PivotValue);
        Assert.Contains("Woodbury.UpdateInPlace", e.Message);
        Assert.Equal(before.Data, c.Data);
    }

    [Fact]
    public void NaN_in_K_is_reported_with_its_position()
    {
        var k = new Matrix<float>(2, 5);
        k[1, 4] = float.NaN;
        var e = Assert.Throws<NonFiniteValueException>(() => Woodbury.UpdateInPlace(Matrix<float>.Identity(5).View, k.View, new Matrix<float>(5, 2).View));
        Assert.Equal((1, 4), (e.Row, e.Col));
    }

    [Fact]
    public void Shape_errors_name_the_argument_and_shapes()
    {
        var c = Matrix<double>.Identity(5);
        var e = Assert.Throws<ShapeMismatchException>(() => Woodbury.UpdateInPlace(c.View, new Matrix<double>(2, 4).View, new Matrix<double>(5, 2).View));
        Assert.Contains("'k'", e.Message);
        Assert.Contains("2×4", e.Message);
        var g = Assert.Throws<ShapeMismatchException>(() => Woodbury.UpdateInPlace(c.View, new Matrix<double>(2, 5).View, new Matrix<double>(2, 5).View));
        Assert.Contains("'gain'", g.Message);
        Assert.Throws<ShapeMismatchException>(() => Woodbury.UpdateInPlace(new Matrix<double>(5, 4).View, new Matrix<double>(2, 5).View, new Matrix<double>(5, 2).View));
    }
}
