using RlsEdit.Tensors;
using RlsEdit.Tensors.Kernels;
using Xunit;

namespace RlsEdit.Tensors.Tests;

/// <summary>
/// The threaded GEMM driver (a team of workers over all k steps, or column slabs for few rows): its results are
/// bitwise those of one thread, and a worker that fails releases the others and surfaces on the caller.
/// </summary>
public class GemmThreadingTests
{
    private static GemmOptions<double> Tiny(int threads)
    {
        var kernel = KernelSelection.For<double>();
        return GemmOptions<double>.Default with
        {
            Mc = 2 * kernel.Mr, Kc = 7, Nc = 3 * kernel.Nr, ReferenceBelowFlops = 0, ParallelFromFlops = 0, MaxThreads = threads,
        };
    }

    private static double[] Gemm(MatrixView<double> a, MatrixView<double> b, MatrixView<double> c0, double beta, GemmOptions<double> options)
    {
        var c = TestMatrices.Copy(c0);
        Level3.Gemm(0.75, a, b, beta, c, options);
        return Values(c);
    }

    private static double[] Values(MatrixView<double> c)
    {
        var values = new double[c.Rows * c.Cols];
        for (int i = 0; i < c.Rows; i++)
            for (int j = 0; j < c.Cols; j++) values[i * c.Cols + j] = c[i, j];
        return values;
    }

    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 200, 40 }, { 29, 97, 31 }, { 61, 53, 100 }, { 131, 67, 23 }, { 17, 300, 9 }, { 90, 90, 90 }, { 23, 41, 600 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Gemm_is_bitwise_the_same_on_every_thread_count(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        var a = TestMatrices.Random<double>(rng, m, k, Layout.Strided);
        var b = TestMatrices.Random<double>(rng, k, n, Layout.Transposed);
        var c0 = TestMatrices.Random<double>(rng, m, n, Layout.RowMajor);
        var serial = Gemm(a, b, c0, 0.5, Tiny(1));
        foreach (int threads in new[] { 2, 3, 5 })
            Assert.True(serial.AsSpan().SequenceEqual(Gemm(a, b, c0, 0.5, Tiny(threads))), $"{m}×{n}×{k}: {threads} threads differ from 1");
        // The default blocking (KC = 512, so k = 600 spans two k steps) through the team path as well.
        var defaults = GemmOptions<double>.Default with { ParallelFromFlops = 0 };
        var serialDefault = Gemm(a, b, c0, 1, defaults with { MaxThreads = 1 });
        Assert.True(serialDefault.AsSpan().SequenceEqual(Gemm(a, b, c0, 1, defaults with { MaxThreads = 2 })), $"{m}×{n}×{k}: default blocking");
    }

    /// <summary>
    /// Panels six slivers wide, so that the team cuts row blocks into column parts and the last step's items into
    /// pieces, with item counts that are not a multiple of the thread count (3 row blocks × 3 parts on 4 threads):
    /// every piece of every item must be computed once, in order after the item's earlier k blocks.
    /// </summary>
    [Theory]
    [InlineData(40, 100, 20)]
    [InlineData(40, 96, 7)]
    [InlineData(97, 150, 30)]
    public void Gemm_with_last_step_pieces_is_bitwise_the_same_on_every_thread_count(int m, int n, int k)
    {
        var rng = new Random(m + n + k);
        var a = TestMatrices.Random<double>(rng, m, k, Layout.RowMajor);
        var b = TestMatrices.Random<double>(rng, k, n, Layout.RowMajor);
        var c0 = TestMatrices.Random<double>(rng, m, n, Layout.RowMajor);
        GemmOptions<double> Wide(int threads) => Tiny(threads) with { Nc = 6 * KernelSelection.For<double>().Nr };
        var serial = Gemm(a, b, c0, -0.5, Wide(1));
        foreach (int threads in new[] { 2, 3, 4, 5 })
            Assert.True(serial.AsSpan().SequenceEqual(Gemm(a, b, c0, -0.5, Wide(threads))), $"{m}×{n}×{k}: {threads} threads differ from 1");
    }

    [Fact]
    public void Syrk_is_bitwise_the_same_on_every_thread_count()
    {
        var rng = new Random(5);
        foreach (var (n, k) in new[] { (97, 33), (150, 64), (41, 200) })
        {
            var a = TestMatrices.Random<double>(rng, n, k, Layout.RowMajor);
            var c0 = TestMatrices.Random<double>(rng, n, n, Layout.RowMajor);
            double[] Run(int threads)
            {
                var c = TestMatrices.Copy(c0);
                Level3.Syrk(-1.0, a, 1.0, c, Tiny(threads));
                return Values(c);
            }
            var serial = Run(1);
            foreach (int threads in new[] { 2, 3 })
                Assert.True(serial.AsSpan().SequenceEqual(Run(threads)), $"SYRK {n}×{k}: {threads} threads differ from 1");
        }
    }

    /// <summary>
    /// A kernel set whose full-tile kernel throws on its n-th call (counted across all threads), the others being
    /// the dispatched kernel's: a failure in the middle of a team call, at a point that varies with n.
    /// </summary>
    private static unsafe class FailingKernel
    {
        private static int callsLeft;

        public static MicroKernelSet<double> After(int calls)
        {
            callsLeft = calls;
            var real = KernelSelection.For<double>();
            return new MicroKernelSet<double>("failing", real.VectorBits, real.Mr, real.Nr, true, false, &Full, real.Edge, real.Lower);
        }

        private static void Full(int kc, double* a, double* b, double* c, nint ldc, double alpha, double beta)
        {
            if (Interlocked.Decrement(ref callsLeft) < 0) throw new InjectedFailureException();
            KernelSelection.For<double>().Full(kc, a, b, c, ldc, alpha, beta);
        }
    }

    private sealed class InjectedFailureException() : Exception("injected kernel failure");

    [Fact]
    public async Task A_failing_worker_releases_the_team_and_its_exception_reaches_the_caller()
    {
        var rng = new Random(8);
        var a = TestMatrices.Random<double>(rng, 120, 90, Layout.RowMajor);
        var b = TestMatrices.Random<double>(rng, 90, 110, Layout.RowMajor);
        var expected = TestMatrices.Random<double>(rng, 120, 110, Layout.RowMajor);
        Level3.Gemm(1.0, a, b, 0.0, expected, Tiny(1));
        // Each run must end (no worker left waiting for the one that failed) well within the timeout.
        foreach (int threads in new[] { 2, 3, 4 })
            foreach (int failAfter in new[] { 0, 1, 7, 40, 150 })
            {
                var c = TestMatrices.Random<double>(rng, 120, 110, Layout.RowMajor);
                var options = Tiny(threads).With(FailingKernel.After(failAfter));
                var run = Task.Run(() => Level3.Gemm(1.0, a, b, 0.0, c, options));
                bool finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))) == run;
                Assert.True(finished, $"{threads} threads, failure after {failAfter} tiles: the call hung");
                // Awaiting rethrows the task's single exception: the injected one itself, not an AggregateException.
                await Assert.ThrowsAsync<InjectedFailureException>(() => run);
            }
        // The pool and the per-thread buffers are still usable afterwards.
        var again = TestMatrices.Random<double>(rng, 120, 110, Layout.RowMajor);
        Level3.Gemm(1.0, a, b, 0.0, again, Tiny(3));
        Assert.True(Values(expected).AsSpan().SequenceEqual(Values(again)));
    }
}
