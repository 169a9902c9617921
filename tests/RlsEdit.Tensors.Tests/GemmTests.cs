using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RlsEdit.Tensors;
using RlsEdit.Tensors.Kernels;
using Xunit;
using static RlsEdit.Tensors.Tests.Level3Cases;

namespace RlsEdit.Tensors.Tests;

public class GemmTests
{
    private static void Check<T>(int m, int n, int k, Layout la, Layout lb, Layout lc, double alpha, double beta,
        string optionsName, GemmOptions<T>? options, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = TestMatrices.Random<T>(rng, m, k, la);
        var b = TestMatrices.Random<T>(rng, k, n, lb);
        var c = TestMatrices.Random<T>(rng, m, n, lc);
        if (beta == 0) c.Fill(T.NaN); // β = 0 must never read C
        var c0 = TestMatrices.Copy(c);
        var (expected, magnitude) = Oracle.Gemm(alpha, Oracle.Of(a), Oracle.Of(b), m, n, k, beta, c0);
        if (options is null) Blas.Gemm(Cast<T>(alpha), a, b, Cast<T>(beta), c);
        else Level3.Gemm(Cast<T>(alpha), a, b, Cast<T>(beta), c, options);
        string what = Describe<T>(optionsName, m, n, k, la, lb, lc, alpha, beta);
        TestMatrices.AssertClose(c, expected, magnitude, k, what);
        TestMatrices.AssertOutsideUntouched(c, T.NaN, what);
    }

    private static void Sweep<T>(int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var shapes = new (int M, int N, int K)[] { (1, 1, 1), (1, 37, 5), (29, 1, 13), (3, 5, 0), (31, 33, 17), (47, 29, 41), (5, 97, 13) };
        foreach (var (name, options) in Options<T>())
            foreach (var (m, n, k) in shapes)
            {
                var la = Layouts[rng.Next(Layouts.Length)];
                var lb = Layouts[rng.Next(Layouts.Length)];
                var lc = Layouts[rng.Next(Layouts.Length)];
                var (alpha, beta) = Scalars[rng.Next(Scalars.Length)];
                Check<T>(m, n, k, la, lb, lc, alpha, beta, name, options, rng);
            }
    }

    [Fact] public void Double_matches_naive_for_every_kernel_blocking_and_thread_path() => Sweep<double>(11);

    [Fact]
    public void Few_rows_take_the_kernel_that_pads_them_least_when_it_saves_enough()
    {
        var dispatched = GemmOptions<double>.Default;
        Assert.Same(dispatched, GemmOptions<double>.ForRows(2 * dispatched.Mc));
        foreach (int rows in new[] { 1, 13, 28, 30, 100, 2 * dispatched.Mc - 1 })
        {
            var chosen = GemmOptions<double>.ForRows(rows);
            int Padded(int mr) => (rows + mr - 1) / mr * mr;
            double limit = Padded(dispatched.Kernels.Mr) * (1 - GemmOptions<double>.FewRowMinSaving);
            Assert.Equal(dispatched.Kernels.Nr, chosen.Kernels.Nr);
            if (!ReferenceEquals(chosen, dispatched))
                Assert.True(Padded(chosen.Kernels.Mr) <= limit, $"{rows} rows: {chosen.Kernels} does not save enough over {dispatched.Kernels}");
            foreach (var kernel in KernelSelection.All<double>().Where(k => k.IsSupported && k.Nr == chosen.Kernels.Nr && k.VectorBits == chosen.Kernels.VectorBits && k.Mr >= 10))
                if (Padded(kernel.Mr) <= limit)
                    Assert.True(Padded(chosen.Kernels.Mr) <= Padded(kernel.Mr), $"{rows} rows: {kernel} pads less than the chosen {chosen.Kernels}");
        }
    }

    [Fact] public void Single_matches_naive_for_every_kernel_blocking_and_thread_path() => Sweep<float>(12);

    public static TheoryData<Layout, Layout, Layout> LayoutTriples()
    {
        var data = new TheoryData<Layout, Layout, Layout>();
        foreach (var la in Layouts) foreach (var lb in Layouts) foreach (var lc in Layouts) data.Add(la, lb, lc);
        return data;
    }

    [Theory, MemberData(nameof(LayoutTriples))]
    public void Every_transpose_and_stride_combination_on_the_public_path(Layout la, Layout lb, Layout lc)
    {
        var rng = new Random(HashCode.Combine(la, lb, lc));
        foreach (var (alpha, beta) in Scalars)
        {
            Check<double>(37, 43, 29, la, lb, lc, alpha, beta, "public defaults", null, rng);
            Check<float>(23, 19, 31, la, lb, lc, alpha, beta, "public defaults", null, rng);
        }
    }

    [Fact]
    public void Sizes_crossing_the_default_blocks_run_threaded_and_match_naive()
    {
        // 200 > MC and k = 530 > KC = 512 on the public defaults; KC = 64 forced as well, with two threads.
        var rng = new Random(5);
        Check<double>(200, 190, 530, Layout.RowMajor, Layout.Transposed, Layout.RowMajor, 1, 1, "public defaults", null, rng);
        var options = GemmOptions<double>.Default with { Kc = 64, MaxThreads = 2, ParallelFromFlops = 0 };
        Check<double>(200, 190, 150, Layout.Strided, Layout.RowMajor, Layout.Transposed, -1, 0.5, "KC = 64, 2 threads", options, rng);
        Check<float>(173, 211, 541, Layout.RowMajor, Layout.RowMajor, Layout.RowMajor, 1, 0, "public defaults", null, rng);
    }

    [Fact]
    public void Alpha_zero_scales_C_without_reading_A_or_B()
    {
        var a = new Matrix<double>(4, 3); a.View.Fill(double.NaN);
        var b = new Matrix<double>(3, 5); b.View.Fill(double.NaN);
        var c = new Matrix<double>(4, 5); c.View.Fill(2);
        Blas.Gemm(0.0, a, b, 0.5, c);
        Assert.All(c.Data, x => Assert.Equal(1.0, x));
        Blas.Gemm(0.0, a, b, 0.0, c);
        Assert.All(c.Data, x => Assert.Equal(0.0, x));
    }

    [Fact]
    public void Matches_MathNet_on_a_transposed_product()
    {
        var rng = new Random(3);
        var a = TestMatrices.Random<double>(rng, 61, 47, Layout.RowMajor);
        var b = TestMatrices.Random<double>(rng, 53, 61, Layout.RowMajor);
        var c = new Matrix<double>(47, 53);
        Blas.Gemm(1.0, a.Transposed, b.Transposed, 0.0, c);
        var ma = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(61, 47, (i, j) => a[i, j]);
        var mb = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(53, 61, (i, j) => b[i, j]);
        var expected = ma.TransposeThisAndMultiply(mb.Transpose());
        for (int i = 0; i < 47; i++)
            for (int j = 0; j < 53; j++)
                Assert.True(Math.Abs(c[i, j] - expected[i, j]) <= 4 * 63 * TestMatrices.Epsilon<double>() * 61, $"({i}, {j})");
    }

    [Fact]
    public void Shape_mismatch_names_the_argument()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Blas.Gemm(1.0, new Matrix<double>(3, 4), new Matrix<double>(5, 2), 0.0, new Matrix<double>(3, 2)));
        Assert.Contains("b", e.Message);
    }

    [Property(MaxTest = 40)]
    public Property Random_shapes_and_layouts_match_naive() =>
        Prop.ForAll(Gen.Choose(0, 40).Three().ToArbitrary(), Gen.Choose(0, 1 << 20).ToArbitrary(), (shape, seed) =>
        {
            var rng = new Random(seed);
            var (m, n, k) = shape;
            var (alpha, beta) = Scalars[rng.Next(Scalars.Length)];
            var options = GemmOptions<double>.Default with { Mc = 2 * GemmOptions<double>.Default.Kernels.Mr, Kc = 7, ReferenceBelowFlops = 0 };
            Check<double>(m, n, k, Layouts[rng.Next(5)], Layouts[rng.Next(5)], Layouts[rng.Next(5)], alpha, beta, "tiny MC/KC", options, rng);
        });
}
