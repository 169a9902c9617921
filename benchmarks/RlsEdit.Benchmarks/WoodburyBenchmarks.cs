using BenchmarkDotNet.Attributes;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// One in-place Woodbury step C ← C − C·Kᵀ(I + K·C·Kᵀ)⁻¹K·C (lower triangle) plus the gain, for u new rows at d:
/// ours against the same sequence in OpenBLAS (dsymm, dgemm, dpotrf, dtrsm, dsyrk, dtrsm), the anchor's
/// "dsymm+dsyrk" step. Each method updates its own C again and again (it stays SPD; no reset needed).
/// <c>dotnet run -c Release --project benchmarks/RlsEdit.Benchmarks -- --filter '*WoodburyBenchmarks*'</c>
/// </summary>
[Config(typeof(FactorizationBenchmarkConfig))]
public class WoodburyBenchmarks
{
    private double[] cOurs = [], cOpenBlas = [], k = [], gain = [], ft = [], s = [];

    [ParamsSource(nameof(Sizes))] public int D { get; set; }
    [Params(1, 10, 100)] public int U { get; set; }
    [ParamsSource(nameof(ThreadCounts))] public int Threads { get; set; }

    public static IEnumerable<int> Sizes => FactorizationBenchmarkInputs.Sizes("RLSEDIT_BENCH_D", 3072);
    public static IEnumerable<int> ThreadCounts => FactorizationBenchmarkInputs.Threads();

    [GlobalSetup]
    public void Setup()
    {
        FactorizationBenchmarkInputs.UseThreads(Threads);
        // C = (A)⁻¹ is as dense as any RLS state; A itself serves since only the memory traffic matters.
        cOurs = FactorizationBenchmarkInputs.Spd(D, 4);
        cOpenBlas = (double[])cOurs.Clone();
        var rng = new Random(5);
        double scale = 1 / Math.Sqrt(D);
        k = Enumerable.Range(0, U * D).Select(_ => scale * (2 * rng.NextDouble() - 1)).ToArray();
        gain = new double[D * U];
        ft = new double[U * D];
        s = new double[U * U];
    }

    [Benchmark(Description = "RlsEdit Woodbury")]
    public void RlsEdit() => Woodbury.UpdateInPlace(
        MatrixView<double>.RowMajor(cOurs, D, D), MatrixView<double>.RowMajor(k, U, D), MatrixView<double>.RowMajor(gain, D, U));

    [Benchmark(Baseline = true, Description = "OpenBLAS dsymm+dsyrk")]
    public unsafe void OpenBlasWoodbury()
    {
        int d = D, u = U;
        fixed (double* c = cOpenBlas, pk = k, pf = ft, ps = s)
        {
            OpenBlas.cblas_dsymm(OpenBlas.RowMajor, OpenBlas.Right, OpenBlas.Lower, u, d, 1.0, c, d, pk, d, 0.0, pf, d); // Fᵀ = K·C
            for (int i = 0; i < u * u; i++) ps[i] = i % (u + 1) == 0 ? 1.0 : 0.0;
            OpenBlas.cblas_dgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.Trans, u, u, d, 1.0, pk, d, pf, d, 1.0, ps, u); // S = I + K·F
        }
        if (OpenBlas.PotrfLowerRowMajor(s, u) != 0) throw new InvalidOperationException("OpenBLAS: S is not positive definite.");
        fixed (double* c = cOpenBlas, pf = ft, ps = s)
        {
            OpenBlas.cblas_dtrsm(OpenBlas.RowMajor, OpenBlas.Left, OpenBlas.Lower, OpenBlas.NoTrans, OpenBlas.NonUnit, u, d, 1.0, ps, u, pf, d); // Gᵀ = R⁻¹Fᵀ
            OpenBlas.cblas_dsyrk(OpenBlas.RowMajor, OpenBlas.Lower, OpenBlas.Trans, d, u, -1.0, pf, d, 1.0, c, d);                           // C −= G·Gᵀ
            OpenBlas.cblas_dtrsm(OpenBlas.RowMajor, OpenBlas.Left, OpenBlas.Lower, OpenBlas.Trans, OpenBlas.NonUnit, u, d, 1.0, ps, u, pf, d);  // (F·S⁻¹)ᵀ
        }
    }
}
