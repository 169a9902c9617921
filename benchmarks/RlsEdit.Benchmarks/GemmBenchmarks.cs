using System.Numerics;
using BenchmarkDotNet.Attributes;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// C ← A·B for square row-major n×n matrices: RlsEdit.Tensors' generated-kernel GEMM against OpenBLAS
/// (cblas_dgemm/cblas_sgemm) on the same thread count.
/// </summary>
[Config(typeof(Level3BenchmarkConfig))]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public unsafe class GemmBenchmarks<T> : IFlopCount where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] a = [], b = [], c = [];

    [Params(1024, 2048)] public int N { get; set; }

    [Params(1, 2)] public int Threads { get; set; }

    public double Flops(string method, IReadOnlyDictionary<string, object> parameters) => 2.0 * Math.Pow((int)parameters[nameof(N)], 3);

    [GlobalSetup]
    public void Setup()
    {
        a = Level3Inputs.Random<T>(N, N, 1);
        b = Level3Inputs.Random<T>(N, N, 2);
        c = new T[N * N];
        Level3Inputs.UseThreads(Threads);
    }

    [Benchmark(Baseline = true)]
    public void RlsEdit() =>
        Blas.Gemm(T.One, MatrixView<T>.RowMajor(a, N, N), MatrixView<T>.RowMajor(b, N, N), T.Zero, MatrixView<T>.RowMajor(c, N, N));

    [Benchmark]
    public void OpenBlasGemm()
    {
        fixed (T* pa = a, pb = b, pc = c)
        {
            if (typeof(T) == typeof(double))
                OpenBlas.cblas_dgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, N, N, N, 1, (double*)pa, N, (double*)pb, N, 0, (double*)pc, N);
            else
                OpenBlas.cblas_sgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, OpenBlas.NoTrans, N, N, N, 1, (float*)pa, N, (float*)pb, N, 0, (float*)pc, N);
        }
    }
}

/// <summary>
/// The slow baselines at n = 1024, one thread: a straightforward hand-written <see cref="Vector{T}"/> loop (i-p-j
/// order, a multiply-add per vector of C's row) and MathNet.Numerics' managed provider, next to our GEMM.
/// </summary>
[Config(typeof(Level3BenchmarkConfig))]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class GemmBaselineBenchmarks<T> : IFlopCount where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] a = [], b = [], c = [];
    private MathNet.Numerics.LinearAlgebra.Matrix<double>? mathNetA, mathNetB, mathNetC;
    private MathNet.Numerics.LinearAlgebra.Matrix<float>? mathNetAf, mathNetBf, mathNetCf;

    [Params(1024)] public int N { get; set; }

    public double Flops(string method, IReadOnlyDictionary<string, object> parameters) => 2.0 * Math.Pow((int)parameters[nameof(N)], 3);

    [GlobalSetup]
    public void Setup()
    {
        a = Level3Inputs.Random<T>(N, N, 1);
        b = Level3Inputs.Random<T>(N, N, 2);
        c = new T[N * N];
        Level3Inputs.UseThreads(1);
        MathNet.Numerics.Control.UseManaged();
        MathNet.Numerics.Control.MaxDegreeOfParallelism = 1;
        if (typeof(T) == typeof(double))
        {
            var build = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;
            mathNetA = build.Dense(N, N, (i, j) => double.CreateTruncating(a[i * N + j]));
            mathNetB = build.Dense(N, N, (i, j) => double.CreateTruncating(b[i * N + j]));
            mathNetC = build.Dense(N, N);
        }
        else
        {
            var build = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build;
            mathNetAf = build.Dense(N, N, (i, j) => float.CreateTruncating(a[i * N + j]));
            mathNetBf = build.Dense(N, N, (i, j) => float.CreateTruncating(b[i * N + j]));
            mathNetCf = build.Dense(N, N);
        }
    }

    [Benchmark(Baseline = true)]
    public void RlsEdit() =>
        Blas.Gemm(T.One, MatrixView<T>.RowMajor(a, N, N), MatrixView<T>.RowMajor(b, N, N), T.Zero, MatrixView<T>.RowMajor(c, N, N));

    [Benchmark]
    public void VectorLoop()
    {
        int n = N, width = Vector<T>.Count;
        Array.Clear(c);
        for (int i = 0; i < n; i++)
        {
            var row = c.AsSpan(i * n, n);
            for (int p = 0; p < n; p++)
            {
                var aip = new Vector<T>(a[i * n + p]);
                var bRow = b.AsSpan(p * n, n);
                int j = 0;
                for (; j <= n - width; j += width)
                    (new Vector<T>(row[j..]) + aip * new Vector<T>(bRow[j..])).CopyTo(row[j..]);
                for (; j < n; j++) row[j] += a[i * n + p] * bRow[j];
            }
        }
    }

    [Benchmark]
    public void MathNetManaged()
    {
        if (mathNetA is not null) mathNetA.Multiply(mathNetB, mathNetC);
        else mathNetAf!.Multiply(mathNetBf, mathNetCf);
    }
}
