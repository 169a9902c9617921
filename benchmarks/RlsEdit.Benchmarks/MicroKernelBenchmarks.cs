using System.Numerics;
using BenchmarkDotNet.Attributes;
using RlsEdit.Tensors;
using RlsEdit.Tensors.Kernels;

namespace RlsEdit.Benchmarks;

/// <summary>
/// The MR×NR table: every generated kernel shape (dispatch and measurement-only) run (a) alone on L1-resident
/// packed panels (kc = 256, 64 calls per invocation: the kernel's own ceiling) and (b) inside the full single-thread
/// GEMM at n = 1024 with the default blocking.
/// </summary>
[Config(typeof(Level3BenchmarkConfig))]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public unsafe class MicroKernelBenchmarks<T> : IFlopCount where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Kc = 256, Calls = 64, GemmN = 1024;
    private MicroKernelSet<T> kernel = null!;
    private GemmOptions<T> options = null!;
    private T[] packedA = [], packedB = [], tile = [], a = [], b = [], c = [];

    public static IEnumerable<string> KernelNames() => KernelSelection.All<T>().Select(k => k.Name);

    [ParamsSource(nameof(KernelNames))] public string Kernel { get; set; } = "";

    public double Flops(string method, IReadOnlyDictionary<string, object> parameters)
    {
        var k = KernelSelection.All<T>().Single(k => k.Name == (string)parameters[nameof(Kernel)]);
        return method == nameof(InCache) ? 2.0 * k.Mr * k.Nr * Kc * Calls : 2.0 * GemmN * GemmN * GemmN;
    }

    [GlobalSetup]
    public void Setup()
    {
        kernel = KernelSelection.All<T>().Single(k => k.Name == Kernel);
        options = GemmOptions<T>.Default.With(kernel) with { MaxThreads = 1 };
        packedA = Level3Inputs.Random<T>(kernel.Mr, Kc, 1);
        packedB = Level3Inputs.Random<T>(Kc, kernel.Nr, 2);
        tile = new T[kernel.Mr * kernel.Nr];
        a = Level3Inputs.Random<T>(GemmN, GemmN, 3);
        b = Level3Inputs.Random<T>(GemmN, GemmN, 4);
        c = new T[GemmN * GemmN];
    }

    [Benchmark]
    public void InCache()
    {
        fixed (T* pa = packedA, pb = packedB, pc = tile)
            for (int i = 0; i < Calls; i++) kernel.Full(Kc, pa, pb, pc, kernel.Nr, T.One, T.One);
    }

    [Benchmark]
    public void Gemm1024() =>
        Level3.Gemm(T.One, MatrixView<T>.RowMajor(a, GemmN, GemmN), MatrixView<T>.RowMajor(b, GemmN, GemmN), T.Zero,
            MatrixView<T>.RowMajor(c, GemmN, GemmN), options);
}
