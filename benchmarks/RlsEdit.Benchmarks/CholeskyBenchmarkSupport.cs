using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Shared by the Cholesky, TRSM and Woodbury benchmarks: drops the OpenBLAS column when libopenblas.so.0 is absent.
/// </summary>
public sealed class FactorizationBenchmarkConfig : ManualConfig
{
    public FactorizationBenchmarkConfig() =>
        AddFilter(new SimpleFilter(c => OpenBlas.IsAvailable || !c.Descriptor.WorkloadMethod.Name.StartsWith("OpenBlas", StringComparison.Ordinal)));
}

/// <summary>Sizes and test matrices for the factorization benchmarks.</summary>
public static class FactorizationBenchmarkInputs
{
    /// <summary>
    /// The sizes in environment variable <paramref name="variable"/> (comma-separated) or the defaults, so a quick
    /// validation run can use small sizes: <c>RLSEDIT_BENCH_N=256 dotnet run … --filter '*Cholesky*'</c>.
    /// </summary>
    public static IEnumerable<int> Sizes(string variable, params int[] defaults)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(text)
            ? defaults
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture));
    }

    /// <summary>Threads for our level-3 calls and OpenBLAS alike (RLSEDIT_BENCH_THREADS, default 1).</summary>
    public static IEnumerable<int> Threads() => Sizes("RLSEDIT_BENCH_THREADS", 1);

    /// <summary>Both libraries on the same thread count.</summary>
    public static void UseThreads(int threads)
    {
        LinearAlgebra.MaxDegreeOfParallelism = threads;
        if (OpenBlas.IsAvailable) OpenBlas.openblas_set_num_threads(threads);
    }

    /// <summary>A full symmetric A = G·Gᵀ/n + I (well conditioned, SPD), row-major.</summary>
    public static double[] Spd(int n, int seed)
    {
        var rng = new Random(seed);
        var g = new Matrix<double>(n, n);
        for (int i = 0; i < g.Data.Length; i++) g.Data[i] = 2 * rng.NextDouble() - 1;
        var a = Matrix<double>.Identity(n);
        Blas.Syrk(1.0 / n, g.View, 1.0, a.View);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) a[i, j] = a[j, i];
        return a.Data;
    }
}
