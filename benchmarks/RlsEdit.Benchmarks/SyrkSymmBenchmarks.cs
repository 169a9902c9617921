using BenchmarkDotNet.Attributes;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Double SYRK (lower, C ← C − A·Aᵀ) and left SYMM (C ← S·B, S stored in its lower triangle) against OpenBLAS's
/// dsyrk/dsymm: square (k = n) and the thin shape of the Woodbury step (k = u = 10), at n = 3072 (GPT-2 small d_k).
/// </summary>
[Config(typeof(Level3BenchmarkConfig))]
public unsafe class SyrkSymmBenchmarks : IFlopCount
{
    private double[] a = [], s = [], c = [];

    [Params(3072)] public int N { get; set; }

    [Params(10, 1024)] public int K { get; set; }

    [Params(1, 2)] public int Threads { get; set; }

    public double Flops(string method, IReadOnlyDictionary<string, object> parameters)
    {
        double n = (int)parameters[nameof(N)], k = (int)parameters[nameof(K)];
        return method.EndsWith("Syrk", StringComparison.Ordinal) ? n * (n + 1) * k : 2 * n * n * k;
    }

    [GlobalSetup]
    public void Setup()
    {
        a = Level3Inputs.Random<double>(N, K, 1);
        s = Level3Inputs.Random<double>(N, N, 2);
        c = Level3Inputs.Random<double>(N, Math.Max(N, K), 3);
        Level3Inputs.UseThreads(Threads);
    }

    [Benchmark]
    public void RlsEditSyrk() => Blas.Syrk(-1.0, MatrixView<double>.RowMajor(a, N, K), 1.0, MatrixView<double>.RowMajor(c, N, N));

    [Benchmark]
    public void OpenBlasSyrk()
    {
        fixed (double* pa = a, pc = c)
            OpenBlas.cblas_dsyrk(OpenBlas.RowMajor, OpenBlas.Lower, OpenBlas.NoTrans, N, K, -1.0, pa, K, 1.0, pc, N);
    }

    [Benchmark]
    public void RlsEditSymm() =>
        Blas.Symm(Side.Left, 1.0, MatrixView<double>.RowMajor(s, N, N), MatrixView<double>.RowMajor(a, N, K), 0.0, MatrixView<double>.RowMajor(c, N, K));

    [Benchmark]
    public void OpenBlasSymm()
    {
        fixed (double* ps = s, pa = a, pc = c)
            OpenBlas.cblas_dsymm(OpenBlas.RowMajor, OpenBlas.Left, OpenBlas.Lower, N, K, 1.0, ps, N, pa, K, 0.0, pc, K);
    }
}
