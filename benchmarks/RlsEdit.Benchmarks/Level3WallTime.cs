using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// A quick A/B for the threaded level-3 routines on a shared machine: wall time (CPU time says nothing about how
/// well two threads overlap), best of all calls, ours and OpenBLAS alternating in short runs of
/// <see cref="CallsPerRun"/> calls, <c>reps</c> rounds, in one process so that both see the same neighbours.
/// <para>
/// Why runs and a pause instead of alternating call by call: after a call, OpenBLAS's idle threads busy-wait
/// for 2^28 TSC cycles, ~0.1 s here (<c>THREAD_TIMEOUT</c> in its blas_server.c), before they
/// sleep. A call of ours right after an OpenBLAS call therefore shares the two cores with a spinning OpenBLAS
/// thread. Each library's run is back to back (OpenBLAS's threads stay hot within its own run, as for a caller
/// that calls it in a loop), and a pause longer than that spin follows OpenBLAS's run before ours starts.
/// </para>
/// <c>dotnet run -c Release --project benchmarks/RlsEdit.Benchmarks -- walltime gemm 20 2 1024 2048</c>
/// On one thread it also reports process CPU time, the steadier measure on a loaded machine.
/// (kinds: gemm (square C = A·B, double), sgemm (the same in single), symm (C = K·S, K u×d, S d×d symmetric, sizes "d:u"), syrk (C −= Gᵀ·G lower,
/// G u×d, sizes "d:u"), potrf (lower Cholesky in place, the input restored outside the timed call); the second argument is the thread count for both libraries).
/// </summary>
public static class Level3WallTime
{
    public static void Run(string[] args)
    {
        if (!OpenBlas.IsAvailable) Console.WriteLine("libopenblas.so.0 not found: the OpenBLAS column is skipped.");
        string kind = args[0];
        int reps = int.Parse(args[1], CultureInfo.InvariantCulture), threads = int.Parse(args[2], CultureInfo.InvariantCulture);
        FactorizationBenchmarkInputs.UseThreads(threads);
        foreach (string size in args.Skip(3))
        {
            int[] dims = size.Split(':').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            switch (kind)
            {
                case "gemm": SquareGemm<double>("dgemm", dims[0], reps, threads, OpenBlasDgemm); break;
                case "sgemm": SquareGemm<float>("sgemm", dims[0], reps, threads, OpenBlasSgemm); break;
                case "symm": Symm(dims[0], dims[1], reps, threads); break;
                case "syrk": Syrk(dims[0], dims[1], reps, threads); break;
                case "thin": Thin(dims[0], dims[1], reps, threads); break;
                case "potrf": Potrf(dims[0], reps, threads); break;
                default: throw new ArgumentException($"walltime: unknown kind '{kind}' (gemm, sgemm, symm, syrk, thin, potrf).");
            }
        }
    }

    private static double[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
    }

    /// <summary>Calls per library and round: the first call of a run may wake sleeping threads, later ones not.</summary>
    private const int CallsPerRun = 3;

    /// <summary>Longer than OpenBLAS's idle threads spin after a call (~0.1 s at this machine's clock).</summary>
    private static readonly TimeSpan OpenBlasSpinOut = TimeSpan.FromMilliseconds(250);

    /// <summary>Best times of one library: wall clock, and process CPU time (meaningful on one thread only).</summary>
    private readonly record struct Times(double Wall, double Cpu)
    {
        public static Times None => new(double.MaxValue, double.MaxValue);
        public Times Min(Times other) => new(Math.Min(Wall, other.Wall), Math.Min(Cpu, other.Cpu));
    }

    /// <summary>
    /// Best times of each action over <paramref name="reps"/> rounds of alternating runs, after warm-up;
    /// <paramref name="setup"/> runs untimed before every call (for routines that overwrite their input).
    /// </summary>
    private static (Times Ours, Times OpenBlas) Best(int reps, Action ours, Action? openBlas, Action? setup = null)
    {
        var warmUp = Stopwatch.StartNew();
        for (int w = 0; w < 1 || warmUp.Elapsed < CholeskyCpuTime.WarmUp; w++)
        {
            setup?.Invoke();
            ours();
            setup?.Invoke();
            openBlas?.Invoke();
        }
        Thread.Sleep(OpenBlasSpinOut);
        Times bestOurs = Times.None, bestOpenBlas = Times.None;
        for (int r = 0; r < reps; r++)
        {
            bestOurs = bestOurs.Min(BestOfRun(ours, setup));
            if (openBlas is null) continue;
            bestOpenBlas = bestOpenBlas.Min(BestOfRun(openBlas, setup));
            Thread.Sleep(OpenBlasSpinOut);
        }
        return (bestOurs, bestOpenBlas);
    }

    private static Times BestOfRun(Action action, Action? setup)
    {
        var best = Times.None;
        var process = Process.GetCurrentProcess();
        for (int call = 0; call < CallsPerRun; call++)
        {
            setup?.Invoke();
            process.Refresh();
            double cpu0 = process.TotalProcessorTime.TotalMilliseconds;
            long t0 = Stopwatch.GetTimestamp();
            action();
            double wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            process.Refresh();
            best = best.Min(new Times(wall, process.TotalProcessorTime.TotalMilliseconds - cpu0));
        }
        return best;
    }

    /// <summary>
    /// Wall-clock GFLOP/s and throughput ratio; on one thread also by CPU time, which a loaded machine disturbs far
    /// less (a preempted thread stops its clock too).
    /// </summary>
    private static void Report(string what, double flops, (Times Ours, Times OpenBlas) t, int threads)
    {
        string line = $"{what}: RlsEdit {t.Ours.Wall,8:F2} ms {flops / t.Ours.Wall / 1e6,6:F1} GFLOP/s";
        if (OpenBlas.IsAvailable)
            line += $" | OpenBLAS {t.OpenBlas.Wall,8:F2} ms {flops / t.OpenBlas.Wall / 1e6,6:F1} GFLOP/s | ours ÷ OpenBLAS throughput {t.OpenBlas.Wall / t.Ours.Wall:F2}";
        if (threads == 1)
        {
            line += $" || CPU time: RlsEdit {flops / t.Ours.Cpu / 1e6,6:F1} GFLOP/s";
            if (OpenBlas.IsAvailable) line += $" | OpenBLAS {flops / t.OpenBlas.Cpu / 1e6,6:F1} GFLOP/s | ratio {t.OpenBlas.Cpu / t.Ours.Cpu:F2}";
        }
        Console.WriteLine(line);
    }

    /// <summary>C ← A·B, all n×n row-major, against OpenBLAS's <paramref name="openBlas"/> (dgemm or sgemm) on the same arrays.</summary>
    private static void SquareGemm<T>(string name, int n, int reps, int threads, Action<T[], T[], T[], int> openBlas)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] a = Random(n * n, 1).Select(T.CreateChecked).ToArray(), b = Random(n * n, 2).Select(T.CreateChecked).ToArray(), c = new T[n * n];
        var t = Best(reps,
            () => Blas.Gemm(T.One, MatrixView<T>.RowMajor(a, n, n), MatrixView<T>.RowMajor(b, n, n), T.Zero, MatrixView<T>.RowMajor(c, n, n)),
            OpenBlas.IsAvailable ? () => openBlas(a, b, c, n) : null);
        Report($"{name} n={n,5} threads={threads}", 2.0 * n * n * n, t, threads);
    }

    private static unsafe void OpenBlasDgemm(double[] a, double[] b, double[] c, int n)
    {
        fixed (double* pa = a, pb = b, pc = c)
            OpenBlas.cblas_dgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, n, n, n, 1.0, pa, n, pb, n, 0.0, pc, n);
    }

    private static unsafe void OpenBlasSgemm(float[] a, float[] b, float[] c, int n)
    {
        fixed (float* pa = a, pb = b, pc = c)
            OpenBlas.cblas_sgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
    }

    private static unsafe void Symm(int d, int u, int reps, int threads)
    {
        double[] s = FactorizationBenchmarkInputs.Spd(d, 4), k = Random(u * d, 5), c = new double[u * d];
        var t = Best(reps,
            () => Blas.Symm(Side.Right, 1.0, MatrixView<double>.RowMajor(s, d, d), MatrixView<double>.RowMajor(k, u, d), 0.0, MatrixView<double>.RowMajor(c, u, d)),
            OpenBlas.IsAvailable ? () =>
            {
                fixed (double* ps = s, pk = k, pc = c)
                    OpenBlas.cblas_dsymm(OpenBlas.RowMajor, OpenBlas.Right, OpenBlas.Lower, u, d, 1.0, ps, d, pk, d, 0.0, pc, d);
            } : null);
        Report($"dsymm d={d,5} u={u,3} threads={threads}", 2.0 * u * d * d, t, threads);
    }

    private static unsafe void Thin(int d, int u, int reps, int threads)
    {
        double[] s = FactorizationBenchmarkInputs.Spd(d, 4), k = Random(u * d, 5), c = new double[u * d];
        var t = Best(reps,
            () => Blas.Gemm(1.0, MatrixView<double>.RowMajor(k, u, d), MatrixView<double>.RowMajor(s, d, d), 0.0, MatrixView<double>.RowMajor(c, u, d)),
            OpenBlas.IsAvailable ? () =>
            {
                fixed (double* ps = s, pk = k, pc = c)
                    OpenBlas.cblas_dgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, u, d, d, 1.0, pk, d, ps, d, 0.0, pc, d);
            } : null);
        Report($"dgemm thin d={d,5} u={u,3} threads={threads}", 2.0 * u * d * d, t, threads);
    }

    private static unsafe void Syrk(int d, int u, int reps, int threads)
    {
        double[] g = Random(u * d, 6), c = FactorizationBenchmarkInputs.Spd(d, 4);
        var t = Best(reps,
            () => Blas.Syrk(-1e-9, MatrixView<double>.RowMajor(g, u, d).Transposed, 1.0, MatrixView<double>.RowMajor(c, d, d)),
            OpenBlas.IsAvailable ? () =>
            {
                fixed (double* pg = g, pc = c)
                    OpenBlas.cblas_dsyrk(OpenBlas.RowMajor, OpenBlas.Lower, OpenBlas.Trans, d, u, -1e-9, pg, d, 1.0, pc, d);
            } : null);
        Report($"dsyrk d={d,5} u={u,3} threads={threads}", 1.0 * u * d * d, t, threads);
    }

    private static void Potrf(int n, int reps, int threads)
    {
        double[] spd = FactorizationBenchmarkInputs.Spd(n, 1), work = new double[spd.Length];
        var t = Best(reps, () => Cholesky.FactorInPlace(MatrixView<double>.RowMajor(work, n, n)),
            OpenBlas.IsAvailable ? () => OpenBlas.PotrfLowerRowMajor(work, n) : null, () => spd.AsSpan().CopyTo(work));
        Report($"dpotrf n={n,5} threads={threads}", (double)n * n * n / 3, t, threads);
    }
}
