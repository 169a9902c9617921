using BenchmarkDotNet.Attributes;
using RlsEdit.Tensors;
using MN = MathNet.Numerics.LinearAlgebra;

namespace RlsEdit.Benchmarks;

/// <summary>
/// DPOTRF (lower, in place, n³/3 flops): ours against OpenBLAS dpotrf_ and MathNet's managed Cholesky.
/// <c>dotnet run -c Release --project benchmarks/RlsEdit.Benchmarks -- --filter '*CholeskyBenchmarks*'</c>
/// </summary>
[Config(typeof(FactorizationBenchmarkConfig))]
public class CholeskyBenchmarks
{
    private double[] spd = [];
    private double[] work = [];
    private MN.Matrix<double> mathNet = null!;

    [ParamsSource(nameof(Sizes))] public int N { get; set; }
    [ParamsSource(nameof(ThreadCounts))] public int Threads { get; set; }

    public static IEnumerable<int> Sizes => FactorizationBenchmarkInputs.Sizes("RLSEDIT_BENCH_N", 1024, 2048, 3072);
    public static IEnumerable<int> ThreadCounts => FactorizationBenchmarkInputs.Threads();

    [GlobalSetup]
    public void Setup()
    {
        FactorizationBenchmarkInputs.UseThreads(Threads);
        spd = FactorizationBenchmarkInputs.Spd(N, 1);
        work = new double[spd.Length];
        mathNet = MN.Matrix<double>.Build.DenseOfRowMajor(N, N, spd);
    }

    [IterationSetup]
    public void Restore() => spd.AsSpan().CopyTo(work);

    [Benchmark(Description = "RlsEdit potrf")]
    public void RlsEdit() => Cholesky.FactorInPlace(MatrixView<double>.RowMajor(work, N, N));

    [Benchmark(Baseline = true, Description = "OpenBLAS dpotrf")]
    public int OpenBlasPotrf() => OpenBlas.PotrfLowerRowMajor(work, N);

    [Benchmark(Description = "MathNet Cholesky")]
    public object MathNetCholesky() => mathNet.Cholesky();
}

/// <summary>
/// The block size of the blocked factorization, measured (RLSEDIT_BENCH_N sets n, default 2048).
/// <c>dotnet run -c Release --project benchmarks/RlsEdit.Benchmarks -- --filter '*CholeskyBlockSize*'</c>
/// </summary>
[Config(typeof(FactorizationBenchmarkConfig))]
public class CholeskyBlockSizeBenchmarks
{
    private double[] spd = [];
    private double[] work = [];

    [ParamsSource(nameof(Sizes))] public int N { get; set; }
    [Params(128, 192, 256, 384)] public int BlockSize { get; set; }

    public static IEnumerable<int> Sizes => FactorizationBenchmarkInputs.Sizes("RLSEDIT_BENCH_N", 2048);

    [GlobalSetup]
    public void Setup()
    {
        FactorizationBenchmarkInputs.UseThreads(1);
        spd = FactorizationBenchmarkInputs.Spd(N, 1);
        work = new double[spd.Length];
    }

    [IterationSetup]
    public void Restore() => spd.AsSpan().CopyTo(work);

    [Benchmark]
    public void Potrf() => Cholesky.FactorBlocked(MatrixView<double>.RowMajor(work, N, N), BlockSize);
}
