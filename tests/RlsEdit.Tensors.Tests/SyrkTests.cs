using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RlsEdit.Tensors;
using RlsEdit.Tensors.Kernels;
using Xunit;
using static RlsEdit.Tensors.Tests.Level3Cases;

namespace RlsEdit.Tensors.Tests;

public class SyrkTests
{
    private static void Check<T>(int n, int k, Layout la, Layout lc, double alpha, double beta, string optionsName, GemmOptions<T>? options, Random rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = TestMatrices.Random<T>(rng, n, k, la);
        var c = TestMatrices.Random<T>(rng, n, n, lc);
        var sentinel = T.CreateTruncating(12345.0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (j > i) c[i, j] = sentinel; // the strict upper triangle must survive untouched
                else if (beta == 0) c[i, j] = T.NaN;
        var c0 = TestMatrices.Copy(c);
        var (expected, magnitude) = Oracle.Gemm(alpha, Oracle.Of(a), Oracle.Of(a.Transposed), n, n, k, beta, c0);
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) expected[i, j] = double.NaN;
        if (options is null) Blas.Syrk(Cast<T>(alpha), a, Cast<T>(beta), c);
        else Level3.Syrk(Cast<T>(alpha), a, Cast<T>(beta), c, options);
        string what = "SYRK " + Describe<T>(optionsName, n, n, k, la, la, lc, alpha, beta);
        TestMatrices.AssertClose(c, expected, magnitude, k, what);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                Assert.True(c[i, j] == sentinel, $"{what}: upper element ({i}, {j}) was overwritten.");
        TestMatrices.AssertOutsideUntouched(c, T.NaN, what);
    }

    private static void Sweep<T>(int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var shapes = new (int N, int K)[] { (1, 1), (1, 9), (5, 0), (17, 3), (37, 23), (61, 11) };
        foreach (var (name, options) in Options<T>())
            foreach (var (n, k) in shapes)
            {
                var (alpha, beta) = Scalars[rng.Next(Scalars.Length)];
                Check<T>(n, k, Layouts[rng.Next(Layouts.Length)], Layouts[rng.Next(Layouts.Length)], alpha, beta, name, options, rng);
            }
    }

    [Fact] public void Double_lower_triangle_matches_naive_for_every_kernel_blocking_and_thread_path() => Sweep<double>(21);

    [Fact] public void Single_lower_triangle_matches_naive_for_every_kernel_blocking_and_thread_path() => Sweep<float>(22);

    [Theory]
    [InlineData(Layout.RowMajor, Layout.RowMajor)]
    [InlineData(Layout.Transposed, Layout.Transposed)]
    [InlineData(Layout.StridedTransposed, Layout.Strided)]
    [InlineData(Layout.EveryOther, Layout.EveryOther)]
    public void Public_path_at_sizes_that_thread_and_cross_blocks(Layout la, Layout lc)
    {
        var rng = new Random(HashCode.Combine(la, lc));
        Check<double>(197, 130, la, lc, -1, 1, "public defaults", null, rng);
        Check<float>(181, 71, la, lc, 1, 0, "public defaults", null, rng);
        var split = GemmOptions<double>.Default with { Kc = 32, MaxThreads = 3, ParallelFromFlops = 0 };
        Check<double>(103, 40, la, lc, 0.5, -0.5, "KC = 32, 3 threads", split, rng);
    }

    [Fact]
    public void Shape_mismatch_names_c()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Blas.Syrk(1.0, new Matrix<double>(3, 4), 0.0, new Matrix<double>(4, 4)));
        Assert.Contains("c", e.Message);
    }

    [Property(MaxTest = 30)]
    public Property Random_shapes_layouts_and_blockings_match_naive_and_leave_the_upper_triangle() =>
        Prop.ForAll(Gen.Choose(0, 45).Two().ToArbitrary(), Gen.Choose(0, 1 << 20).ToArbitrary(), (shape, seed) =>
        {
            var rng = new Random(seed);
            var (n, k) = shape;
            var (alpha, beta) = Scalars[rng.Next(Scalars.Length)];
            var kernel = GemmOptions<float>.Default.Kernels;
            var options = GemmOptions<float>.Default with
            {
                Mc = kernel.Mr * (1 + rng.Next(3)), Kc = 1 + rng.Next(9), Nc = kernel.Nr * (1 + rng.Next(2)),
                MaxThreads = 1 + rng.Next(2), ParallelFromFlops = 0, ReferenceBelowFlops = 0,
            };
            Check<float>(n, k, Layouts[rng.Next(Layouts.Length)], Layouts[rng.Next(Layouts.Length)], alpha, beta, $"random blocking {options.Mc}/{options.Kc}/{options.Nc}", options, rng);
        });
}
