using BenchmarkDotNet.Attributes;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// TRSM with the Cholesky factor L of an n×n SPD matrix and an n×n right-hand side (n³ flops): L·X = B (Left) and
/// X·Lᵀ = B (Right, the potrf panel shape), ours against cblas_dtrsm.
/// <c>dotnet run -c Release --project benchmarks/RlsEdit.Benchmarks -- --filter '*TrsmBenchmarks*'</c>
/// </summary>
[Config(typeof(FactorizationBenchmarkConfig))]
public class TrsmBenchmarks
{
    private double[] l = [];
    private double[] b = [];
    private double[] work = [];

    [ParamsSource(nameof(Sizes))] public int N { get; set; }
    [Params(Side.Left, Side.Right)] public Side Side { get; set; }
    [ParamsSource(nameof(ThreadCounts))] public int Threads { get; set; }

    public static IEnumerable<int> Sizes => FactorizationBenchmarkInputs.Sizes("RLSEDIT_BENCH_N", 1024, 2048);
    public static IEnumerable<int> ThreadCounts => FactorizationBenchmarkInputs.Threads();

    [GlobalSetup]
    public void Setup()
    {
        FactorizationBenchmarkInputs.UseThreads(Threads);
        l = FactorizationBenchmarkInputs.Spd(N, 2);
        Cholesky.FactorInPlace(MatrixView<double>.RowMajor(l, N, N));
        var rng = new Random(3);
        b = Enumerable.Range(0, N * N).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        work = new double[b.Length];
    }

    [IterationSetup]
    public void Restore() => b.AsSpan().CopyTo(work);

    [Benchmark(Description = "RlsEdit trsm")]
    public void RlsEdit()
    {
        var lv = MatrixView<double>.RowMajor(l, N, N);
        var bv = MatrixView<double>.RowMajor(work, N, N);
        if (Side == Side.Left) Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, 1.0, lv, bv);
        else Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, 1.0, lv.Transposed, bv);
    }

    [Benchmark(Baseline = true, Description = "OpenBLAS dtrsm")]
    public unsafe void OpenBlasTrsm()
    {
        fixed (double* pl = l, pb = work)
            OpenBlas.cblas_dtrsm(OpenBlas.RowMajor, Side == Side.Left ? OpenBlas.Left : OpenBlas.Right, OpenBlas.Lower,
                Side == Side.Left ? OpenBlas.NoTrans : OpenBlas.Trans, OpenBlas.NonUnit, N, N, 1.0, pl, N, pb, N);
    }
}
