using System.Numerics;
using RlsEdit.Tensors.Kernels;
using Xunit;

namespace RlsEdit.Tensors.Tests;

/// <summary>Every generated kernel, called directly on random packed panels, against a naive sum.</summary>
public unsafe class MicroKernelTests
{
    public static TheoryData<string> DoubleKernels() => Names(KernelSelection.All<double>());
    public static TheoryData<string> SingleKernels() => Names(KernelSelection.All<float>());

    private static TheoryData<string> Names<T>(IReadOnlyList<MicroKernelSet<T>> kernels) where T : unmanaged
    {
        var data = new TheoryData<string>();
        foreach (var k in kernels) data.Add(k.Name);
        return data;
    }

    private static MicroKernelSet<T> Find<T>(string name) where T : unmanaged => KernelSelection.All<T>().Single(k => k.Name == name);

    [Fact]
    public void Dispatch_picks_the_widest_kernel_this_cpu_accelerates()
    {
        Assert.True(MicroKernelDispatch.Double.IsSupported && MicroKernelDispatch.Double.Dispatch);
        Assert.True(MicroKernelDispatch.Single.IsSupported && MicroKernelDispatch.Single.Dispatch);
        int expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? 256 : 128;
        Assert.Equal(expected, MicroKernelDispatch.Double.VectorBits);
        Assert.Equal(expected, MicroKernelDispatch.Single.VectorBits);
    }

    [Theory, MemberData(nameof(DoubleKernels))]
    public void Double_kernel_matches_naive_sum(string name) => CheckAllVariants(Find<double>(name), seed: name.GetHashCode());

    [Theory, MemberData(nameof(SingleKernels))]
    public void Single_kernel_matches_naive_sum(string name) => CheckAllVariants(Find<float>(name), seed: name.GetHashCode());

    private static void CheckAllVariants<T>(MicroKernelSet<T> kernel, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        foreach (int kc in new[] { 1, 7, 64 })
            foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-0.75, 0.0), (1.0, 1.0), (0.5, -2.0) })
            {
                CheckFull(kernel, rng, kc, alpha, beta);
                foreach (var (m, n) in new[] { (kernel.Mr, kernel.Nr), (1, 1), (kernel.Mr - 1, kernel.Nr), (kernel.Mr, kernel.Nr - 1), (Math.Max(1, kernel.Mr / 2), 3) })
                {
                    if (m < 1 || n < 1) continue;
                    CheckStrided(kernel, rng, kc, m, n, alpha, beta, lower: null);
                    foreach (int diagonal in new[] { -n, -1, 0, 2, n })
                        CheckStrided(kernel, rng, kc, m, n, alpha, beta, lower: diagonal);
                }
            }
    }

    private static T[] RandomArray<T>(Random rng, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < length; i++) x[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static void CheckFull<T>(MicroKernelSet<T> kernel, Random rng, int kc, double alpha, double beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = kernel.Mr, nr = kernel.Nr, ldc = nr + 3;
        var a = RandomArray<T>(rng, mr * kc);
        var b = RandomArray<T>(rng, kc * nr);
        var c = RandomArray<T>(rng, mr * ldc);
        if (beta == 0) for (int i = 0; i < mr; i++) for (int j = 0; j < nr; j++) c[i * ldc + j] = T.NaN;
        var before = (T[])c.Clone();
        fixed (T* pa = a, pb = b, pc = c)
            kernel.Full(kc, pa, pb, pc, ldc, T.CreateTruncating(alpha), T.CreateTruncating(beta));
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < ldc; j++)
            {
                if (j >= nr) { Assert.Equal(before[i * ldc + j], c[i * ldc + j]); continue; }
                AssertElement(kernel, a, b, before[i * ldc + j], c[i * ldc + j], i, j, kc, alpha, beta, "Full");
            }
    }

    private static void CheckStrided<T>(MicroKernelSet<T> kernel, Random rng, int kc, int m, int n, double alpha, double beta, int? lower)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = kernel.Mr, nr = kernel.Nr;
        nint rowStride = 2, colStride = 2 * m + 1; // column-major-ish and non-unit: the most general C
        var a = RandomArray<T>(rng, mr * kc);
        var b = RandomArray<T>(rng, kc * nr);
        var c = RandomArray<T>(rng, (int)(colStride * n) + 2);
        if (beta == 0) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[i * rowStride + j * colStride] = T.NaN;
        var before = (T[])c.Clone();
        fixed (T* pa = a, pb = b, pc = c)
        {
            if (lower is int d) kernel.Lower(kc, pa, pb, pc, rowStride, colStride, m, n, d, T.CreateTruncating(alpha), T.CreateTruncating(beta));
            else kernel.Edge(kc, pa, pb, pc, rowStride, colStride, m, n, T.CreateTruncating(alpha), T.CreateTruncating(beta));
        }
        var written = new HashSet<int>();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                if (lower is int d && j > i + d) continue;
                int x = (int)(i * rowStride + j * colStride);
                written.Add(x);
                AssertElement(kernel, a, b, before[x], c[x], i, j, kc, alpha, beta, lower is null ? "Edge" : $"Lower(diagonal {lower})");
            }
        for (int x = 0; x < c.Length; x++)
            if (!written.Contains(x) && !c[x].Equals(before[x]))
                Assert.Fail($"{kernel} {m}×{n} wrote element {x} outside its part (lower = {lower}).");
    }

    private static void AssertElement<T>(MicroKernelSet<T> kernel, T[] a, T[] b, T c0, T c, int i, int j, int kc, double alpha, double beta, string variant)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0, abs = 0;
        for (int p = 0; p < kc; p++)
        {
            double product = double.CreateTruncating(a[p * kernel.Mr + i]) * double.CreateTruncating(b[p * kernel.Nr + j]);
            sum += product; abs += Math.Abs(product);
        }
        double old = beta == 0 ? 0 : double.CreateTruncating(c0);
        double expected = alpha * sum + beta * old;
        double tolerance = 4 * (kc + 2) * TestMatrices.Epsilon<T>() * (Math.Abs(alpha) * abs + Math.Abs(beta * old));
        double got = double.CreateTruncating(c);
        Assert.True(Math.Abs(got - expected) <= tolerance,
            $"{kernel} {variant} kc={kc} α={alpha} β={beta}: ({i}, {j}) = {got:R}, expected {expected:R} ± {tolerance:E2}.");
    }
}
