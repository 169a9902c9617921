using System.Diagnostics;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// A second opinion for the factorization benchmarks on an oversubscribed machine: process CPU time (not wall
/// time) of single-threaded runs, best of <c>reps</c>, ours and OpenBLAS interleaved in one process. Wall-clock
/// BenchmarkDotNet numbers on a VM whose load average exceeds its core count mostly measure the neighbours.
/// <c>dotnet run -c Release --project benchmarks/RlsEdit.Benchmarks -- cputime potrf 5 1024 2048 3072</c>
/// (kinds: potrf, blocksize, potri, trsm, panel, woodbury; woodbury sizes are d, with u = 1, 10, 100; panel sizes are
/// the rows m below one potrf block of the default size).
/// </summary>
public static class CholeskyCpuTime
{
    public static void Run(string[] args)
    {
        if (!OpenBlas.IsAvailable) Console.WriteLine("libopenblas.so.0 not found: the OpenBLAS column is skipped.");
        FactorizationBenchmarkInputs.UseThreads(1);
        string kind = args[0];
        int reps = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        foreach (int n in args.Skip(2).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)))
        {
            switch (kind)
            {
                case "potrf": Potrf(n, reps); break;
                case "potri": Potri(n, reps); break;
                case "blocksize": BlockSizes(n, reps); break;
                case "trsm": Trsm(n, reps); break;
                case "panel": Panel(n, reps, Cholesky.DefaultBlockSize); break;
                case "woodbury": Woodbury(n, reps); break;
                default: throw new ArgumentException($"cputime: unknown kind '{kind}' (potrf, blocksize, potri, trsm, panel, woodbury).");
            }
        }
    }

    private static double CpuMilliseconds()
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    /// <summary>
    /// Best CPU time of <paramref name="reps"/> runs after warm-up runs. The warm-up lasts at least
    /// <see cref="WarmUp"/>: three runs of a 12 ms factorization left the JIT's tier-1 code unfinished, and the
    /// first size measured in a process then read up to 1.8× slow (the "n = 1024 gap" of session 1).
    /// </summary>
    private static double Best(int reps, Action act, Action? reset = null)
    {
        var warmUp = Stopwatch.StartNew();
        for (int w = 0; w < 3 || warmUp.Elapsed < WarmUp; w++) { reset?.Invoke(); act(); }
        Thread.Sleep(300);
        double best = double.MaxValue;
        for (int r = 0; r < reps; r++)
        {
            reset?.Invoke();
            double t0 = CpuMilliseconds();
            act();
            best = Math.Min(best, CpuMilliseconds() - t0);
        }
        return best;
    }

    /// <summary>Shortest warm-up per measured routine (tiered compilation needs ~100 ms of calls, then compiles in the background).</summary>
    internal static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1.5);

    private static string Column(double flops, double ms) => $"{ms,9:F1} ms {flops / ms / 1e6,6:F1} GFLOP/s";

    private static void Potrf(int n, int reps)
    {
        double[] spd = FactorizationBenchmarkInputs.Spd(n, 1), work = new double[spd.Length];
        double flops = (double)n * n * n / 3;
        double ours = Best(reps, () => Cholesky.FactorInPlace(MatrixView<double>.RowMajor(work, n, n)), () => spd.AsSpan().CopyTo(work));
        string line = $"potrf n={n,5}: RlsEdit {Column(flops, ours)}";
        if (OpenBlas.IsAvailable)
        {
            double ob = Best(reps, () => OpenBlas.PotrfLowerRowMajor(work, n), () => spd.AsSpan().CopyTo(work));
            line += $" | OpenBLAS {Column(flops, ob)} | ratio {ours / ob:F2}";
        }
        Console.WriteLine(line);
    }

    private static void BlockSizes(int n, int reps)
    {
        double[] spd = FactorizationBenchmarkInputs.Spd(n, 1), work = new double[spd.Length];
        // RLSEDIT_BENCH_BLOCKS (comma-separated) narrows the sweep: block 64 alone takes seconds at n = 6400.
        string blocks = Environment.GetEnvironmentVariable("RLSEDIT_BENCH_BLOCKS") ?? "64,128,192,256,384,512,768";
        foreach (int nb in blocks.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)))
        {
            double ms = Best(reps, () => Cholesky.FactorBlocked(MatrixView<double>.RowMajor(work, n, n), nb), () => spd.AsSpan().CopyTo(work));
            Console.WriteLine($"potrf n={n,5} block {nb,3}: {Column((double)n * n * n / 3, ms)}");
        }
    }

    private static void Potri(int n, int reps)
    {
        double[] l = FactorizationBenchmarkInputs.Spd(n, 1), work = new double[l.Length];
        Cholesky.FactorInPlace(MatrixView<double>.RowMajor(l, n, n));
        double ours = Best(reps, () => Cholesky.InvertInPlace(MatrixView<double>.RowMajor(work, n, n)), () => l.AsSpan().CopyTo(work));
        Console.WriteLine($"potri n={n,5}: RlsEdit {Column(2.0 * n * n * n / 3, ours)}");
    }

    private static unsafe void Trsm(int n, int reps)
    {
        double[] l = FactorizationBenchmarkInputs.Spd(n, 2);
        Cholesky.FactorInPlace(MatrixView<double>.RowMajor(l, n, n));
        var rng = new Random(3);
        double[] b = Enumerable.Range(0, n * n).Select(_ => 2 * rng.NextDouble() - 1).ToArray(), work = new double[b.Length];
        double flops = (double)n * n * n;
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            double ours = Best(reps, () =>
            {
                var lv = MatrixView<double>.RowMajor(l, n, n);
                var bv = MatrixView<double>.RowMajor(work, n, n);
                if (side == Side.Left) Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, 1.0, lv, bv);
                else Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, 1.0, lv.Transposed, bv);
            }, () => b.AsSpan().CopyTo(work));
            string line = $"trsm {side,-5} n={n,5}: RlsEdit {Column(flops, ours)}";
            if (OpenBlas.IsAvailable)
            {
                double ob = Best(reps, () =>
                {
                    fixed (double* pl = l, pb = work)
                        OpenBlas.cblas_dtrsm(OpenBlas.RowMajor, side == Side.Left ? OpenBlas.Left : OpenBlas.Right, OpenBlas.Lower,
                            side == Side.Left ? OpenBlas.NoTrans : OpenBlas.Trans, OpenBlas.NonUnit, n, n, 1.0, pl, n, pb, n);
                }, () => b.AsSpan().CopyTo(work));
                line += $" | OpenBLAS {Column(flops, ob)} | ratio {ours / ob:F2}";
            }
            Console.WriteLine(line);
        }
    }

    /// <summary>
    /// One step of the blocked potrf at its default block size nb with m rows below the block: the panel solve
    /// L21 = A21·L11⁻ᵀ (m×nb, m·nb² flops) and the trailing update A22 −= L21·L21ᵀ (m²·nb flops), each against
    /// OpenBLAS's dtrsm/dsyrk of the same shape.
    /// </summary>
    private static unsafe void Panel(int m, int reps, int nb)
    {
        double[] l = FactorizationBenchmarkInputs.Spd(nb, 2);
        Cholesky.FactorInPlace(MatrixView<double>.RowMajor(l, nb, nb));
        var rng = new Random(3);
        double[] b = Enumerable.Range(0, m * nb).Select(_ => 2 * rng.NextDouble() - 1).ToArray(), work = new double[b.Length];
        double flops = (double)m * nb * nb;
        double ours = Best(reps, () => Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, 1.0,
            MatrixView<double>.RowMajor(l, nb, nb).Transposed, MatrixView<double>.RowMajor(work, m, nb)), () => b.AsSpan().CopyTo(work));
        string line = $"panel trsm {m,5}×{nb}: RlsEdit {Column(flops, ours)}";
        if (OpenBlas.IsAvailable)
        {
            double ob = Best(reps, () =>
            {
                fixed (double* pl = l, pb = work)
                    OpenBlas.cblas_dtrsm(OpenBlas.RowMajor, OpenBlas.Right, OpenBlas.Lower, OpenBlas.Trans, OpenBlas.NonUnit, m, nb, 1.0, pl, nb, pb, nb);
            }, () => b.AsSpan().CopyTo(work));
            line += $" | OpenBLAS {Column(flops, ob)} | ratio {ours / ob:F2}";
        }
        Console.WriteLine(line);

        // The same step's trailing update, which dominates potrf (potrf runs it with the GEMM's k block = nb).
        double[] c = new double[(long)m * m > int.MaxValue ? 0 : m * m];
        double syrkFlops = (double)m * m * nb;
        double oursSyrk = Best(reps, () => RlsEdit.Tensors.Kernels.Level3.Syrk(-1.0, MatrixView<double>.RowMajor(b, m, nb), 1.0,
            MatrixView<double>.RowMajor(c, m, m), Cholesky.TrailingUpdateOptions<double>(nb)));
        line = $"panel syrk {m,5}²,k={nb}: RlsEdit {Column(syrkFlops, oursSyrk)}";
        if (OpenBlas.IsAvailable)
        {
            double ob = Best(reps, () =>
            {
                fixed (double* pa = b, pc = c)
                    OpenBlas.cblas_dsyrk(OpenBlas.RowMajor, OpenBlas.Lower, OpenBlas.NoTrans, m, nb, -1.0, pa, nb, 1.0, pc, m);
            });
            line += $" | OpenBLAS {Column(syrkFlops, ob)} | ratio {oursSyrk / ob:F2}";
        }
        Console.WriteLine(line);
    }

    private static void Woodbury(int d, int reps)
    {
        foreach (int u in new[] { 1, 10, 100 })
        {
            var bench = new WoodburyBenchmarks { D = d, U = u, Threads = 1 };
            bench.Setup();
            double ours = Best(reps, bench.RlsEdit);
            string line = $"woodbury d={d,5} u={u,3}: RlsEdit {ours,8:F1} ms";
            if (OpenBlas.IsAvailable)
            {
                double ob = Best(reps, bench.OpenBlasWoodbury);
                line += $" | OpenBLAS dsymm+dsyrk {ob,8:F1} ms | ratio {ours / ob:F2}";
            }
            Console.WriteLine(line);
        }
    }
}
