using System.Numerics;
using Xunit;
using static RlsEdit.Tensors.Tests.CholeskyTestMatrices;

namespace RlsEdit.Tensors.Tests;

/// <summary>
/// The packed-panel TRSM leaf (<see cref="PackedTriangularSolve"/>) against <see cref="ReferenceBlas.Trsm{T}"/>: sizes
/// around the micro-kernel's MR (14 on AVX-512, 6 on AVX2) and NR, partial strips, every B layout, both triangles and
/// diagonals, thread counts, and the split above <see cref="PackedTriangularSolve.MaxSize"/> through <see cref="Blas.Trsm{T}"/>.
/// </summary>
public class PackedTriangularSolveTests
{
    /// <summary>A triangle whose other triangle (and, for a unit diagonal, the diagonal) is NaN, so stray reads poison X.</summary>
    private static (double[,] Stored, double[,] Effective) Triangle(int n, bool lower, bool unit, Random rng)
    {
        var stored = new double[n, n];
        var effective = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j)
                {
                    stored[i, j] = unit ? double.NaN : 1 + rng.NextDouble();
                    effective[i, j] = unit ? 1 : stored[i, j];
                }
                else if (lower ? j < i : j > i)
                    stored[i, j] = effective[i, j] = (2 * rng.NextDouble() - 1) / Math.Sqrt(n);
                else
                    stored[i, j] = double.NaN;
            }
        return (stored, effective);
    }

    /// <summary>Solves with the packed leaf and checks X against the reference loops and A·X against B.</summary>
    private static void AgreesWithReference<T>(int n, int m, bool lower, bool unit, ViewLayout layoutB, int threads, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var (stored, effective) = Triangle(n, lower, unit, rng);
        var b = Random(n, m, rng);
        var a = Place<T>(stored, ViewLayout.Strided, rng);
        var x = Place<T>(b, layoutB, rng);
        var reference = Place<T>(b, ViewLayout.Dense, rng);
        var bRounded = ToDouble(reference);
        Assert.True(PackedTriangularSolve.Applies<T>(n, m));

        PackedTriangularSolve.Solve(lower, unit, a, x, threads);
        ReferenceBlas.Trsm(Side.Left, lower ? RlsEdit.Tensors.Triangle.Lower : RlsEdit.Tensors.Triangle.Upper,
            unit ? Diagonal.Unit : Diagonal.NonUnit, T.One, a, reference);

        var xd = ToDouble(x);
        double residual = Frobenius(Add(Multiply(effective, xd), bRounded, -1));
        double bound = 4 * (n + 1) * Eps<T>() * (Frobenius(effective) * Frobenius(xd) + Frobenius(bRounded));
        Assert.True(residual <= bound, $"n={n} m={m}: residual {residual:E3} > {bound:E3}");
        // Both are backward stable; with diagonals in [1, 2] and off-diagonals O(1/√n) the triangles are well conditioned.
        double distance = RelativeDistance(xd, ToDouble(reference));
        Assert.True(distance <= 50 * n * Eps<T>(), $"n={n} m={m}: distance to the reference {distance:E3}");
    }

    public static TheoryData<int, int, bool, bool, ViewLayout> Shapes()
    {
        var data = new TheoryData<int, int, bool, bool, ViewLayout>();
        int[] sizes = { 1, 5, 6, 7, 13, 14, 15, 29, 97, 256, PackedTriangularSolve.MaxSize };
        int[] columns = { 32, 37, 83 };
        var layouts = new[] { ViewLayout.Dense, ViewLayout.Strided, ViewLayout.Transposed };
        int k = 0;
        foreach (int n in sizes)
            foreach (bool lower in new[] { true, false })
                foreach (bool unit in new[] { false, true })
                {
                    data.Add(n, columns[k % columns.Length], lower, unit, layouts[k % layouts.Length]);
                    k++;
                }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_packed_solve_matches_the_reference(int n, int m, bool lower, bool unit, ViewLayout layoutB) =>
        AgreesWithReference<double>(n, m, lower, unit, layoutB, threads: 1, seed: n * 131 + m);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_packed_solve_matches_the_reference(int n, int m, bool lower, bool unit, ViewLayout layoutB) =>
        AgreesWithReference<float>(n, m, lower, unit, layoutB, threads: 1, seed: n * 137 + m);

    [Theory]
    [InlineData(true, ViewLayout.Transposed)]
    [InlineData(false, ViewLayout.Dense)]
    public void Threaded_solve_matches_the_reference(bool lower, ViewLayout layoutB) =>
        AgreesWithReference<double>(200, 301, lower, unit: false, layoutB, threads: 2, seed: 11);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Result_is_bitwise_independent_of_the_thread_count(int threads)
    {
        var rng = new Random(5);
        var (stored, _) = Triangle(180, lower: true, unit: false, rng);
        var b = Random(180, 333, rng);
        var a = Place<double>(stored, ViewLayout.Dense, rng);
        var serial = Place<double>(b, ViewLayout.Transposed, rng);
        var threaded = Place<double>(b, ViewLayout.Transposed, rng);

        PackedTriangularSolve.Solve(true, false, a, serial, maxThreads: 1);
        PackedTriangularSolve.Solve(true, false, a, threaded, maxThreads: threads);

        Assert.Equal(ToDouble(serial), ToDouble(threaded));
    }

    /// <summary>Above <see cref="PackedTriangularSolve.MaxSize"/> the recursion splits, with packed leaves: the potrf panel shape (right side, Lᵀ).</summary>
    [Theory]
    [InlineData(Side.Right, RlsEdit.Tensors.Triangle.Upper)]
    [InlineData(Side.Left, RlsEdit.Tensors.Triangle.Lower)]
    [InlineData(Side.Left, RlsEdit.Tensors.Triangle.Upper)]
    public void Triangles_larger_than_a_leaf_are_split_and_still_match(Side side, Triangle triangle)
    {
        const int n = PackedTriangularSolve.MaxSize + 9, m = 21;
        var rng = new Random(9);
        var (_, effective) = Triangle(n, triangle == RlsEdit.Tensors.Triangle.Lower, unit: false, rng);
        var b = Random(side == Side.Left ? n : m, side == Side.Left ? m : n, rng);
        var a = Place<double>(effective, ViewLayout.Dense, rng);
        var fast = Place<double>(b, ViewLayout.Strided, rng);
        var reference = Place<double>(b, ViewLayout.Dense, rng);

        Blas.Trsm(side, triangle, Diagonal.NonUnit, -0.5, a, fast);
        ReferenceBlas.Trsm(side, triangle, Diagonal.NonUnit, -0.5, a, reference);

        Assert.True(RelativeDistance(ToDouble(fast), ToDouble(reference)) < 1e-12);
    }
}
