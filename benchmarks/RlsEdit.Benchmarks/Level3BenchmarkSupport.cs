using System.Globalization;
using System.Numerics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Config of the GEMM/SYRK/SYMM and micro-kernel benchmarks: a GFLOP/s column, and no OpenBLAS rows when
/// libopenblas.so.0 is absent.
/// </summary>
public sealed class Level3BenchmarkConfig : ManualConfig
{
    public Level3BenchmarkConfig()
    {
        AddFilter(new SimpleFilter(c => OpenBlas.IsAvailable || !c.Descriptor.WorkloadMethod.Name.StartsWith("OpenBlas", StringComparison.Ordinal)));
        AddColumn(StatisticColumn.Min);
        AddColumn(new GflopsColumn(fromBest: false), new GflopsColumn(fromBest: true));
    }
}

/// <summary>Benchmarks that know their floating-point operation count per invocation.</summary>
public interface IFlopCount
{
    /// <summary>Floating-point operations of one invocation of <paramref name="method"/> for the given parameter values.</summary>
    double Flops(string method, IReadOnlyDictionary<string, object> parameters);
}

/// <summary>
/// GFLOP/s from the mean (or, <c>fromBest</c>, the fastest) iteration time and the benchmark class's <see cref="IFlopCount"/>.
/// On the shared build machine the best iteration is the closer estimate of what the code can do.
/// </summary>
public sealed class GflopsColumn(bool fromBest) : IColumn
{
    public string Id => nameof(GflopsColumn) + (fromBest ? "Best" : "Mean");
    public string ColumnName => fromBest ? "GFLOP/s best" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => fromBest ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => fromBest ? "GFLOP/s of the fastest iteration" : "GFLOP/s of the mean iteration";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats) return "NA";
        if (Activator.CreateInstance(benchmarkCase.Descriptor.Type) is not IFlopCount counter) return "-";
        var parameters = benchmarkCase.Parameters.Items.ToDictionary(p => p.Name, p => p.Value);
        double nanoseconds = fromBest ? stats.Min : stats.Mean;
        return (counter.Flops(benchmarkCase.Descriptor.WorkloadMethod.Name, parameters) / nanoseconds).ToString("F1", CultureInfo.InvariantCulture); // flop/ns = GFLOP/s
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}

/// <summary>Inputs and thread settings shared by the level-3 benchmarks.</summary>
public static class Level3Inputs
{
    /// <summary>Uniform [-1, 1) row-major n×m data, reproducible per seed.</summary>
    public static T[] Random<T>(int rows, int cols, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var data = new T[rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating(2 * rng.NextDouble() - 1);
        return data;
    }

    /// <summary>Our level-3 routines and OpenBLAS on the same thread count.</summary>
    public static void UseThreads(int threads)
    {
        LinearAlgebra.MaxDegreeOfParallelism = threads;
        if (OpenBlas.IsAvailable) OpenBlas.openblas_set_num_threads(threads);
    }
}
