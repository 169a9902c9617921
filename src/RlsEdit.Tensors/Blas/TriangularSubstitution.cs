using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RlsEdit.Tensors;

/// <summary>
/// The leaf of <see cref="BlockedTriangularSolve"/>: substitution with a small packed triangle on a packed panel of
/// right-hand sides. The panel is walked in column strips of four vectors; for each row the strip's partial sums stay
/// in registers while earlier (already solved) rows stream from L1, so each step is one broadcast, four loads and
/// four FMAs.
/// </summary>
internal static class TriangularSubstitution
{
    /// <summary>
    /// Solves in place of the n×w row-major <paramref name="panel"/>: row i ← (row i + Σ_p negTri[i, p]·row p)·invDiag[i],
    /// with p &lt; i (<paramref name="lower"/>) or p &gt; i (upper). <paramref name="negTri"/> holds −A (n×n, row-major).
    /// </summary>
    public static void Solve<T>(bool lower, bool unit, ReadOnlySpan<T> negTri, ReadOnlySpan<T> invDiag, Span<T> panel, int n, int w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int vc = Vector256<T>.Count;
            for (; j + 4 * vc <= w; j += 4 * vc) SolveStrip4(lower, unit, negTri, invDiag, panel, n, w, j);
            for (; j + vc <= w; j += vc) SolveStrip1(lower, unit, negTri, invDiag, panel, n, w, j);
        }
        for (; j < w; j++)
            for (int step = 0; step < n; step++)
            {
                int i = lower ? step : n - 1 - step, from = lower ? 0 : i + 1, to = lower ? i : n;
                T s = panel[i * w + j];
                for (int p = from; p < to; p++) s += negTri[i * n + p] * panel[p * w + j];
                panel[i * w + j] = unit ? s : s * invDiag[i];
            }
    }

    private static void SolveStrip4<T>(bool lower, bool unit, ReadOnlySpan<T> negTri, ReadOnlySpan<T> invDiag, Span<T> panel, int n, int w, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector256<T>.Count;
        ref T origin = ref MemoryMarshal.GetReference(panel);
        ref T tri = ref MemoryMarshal.GetReference(negTri);
        for (int step = 0; step < n; step++)
        {
            int i = lower ? step : n - 1 - step, from = lower ? 0 : i + 1, to = lower ? i : n;
            ref T rowI = ref Unsafe.Add(ref origin, i * w + j);
            Vector256<T> acc0 = Vector256.LoadUnsafe(ref rowI), acc1 = Vector256.LoadUnsafe(ref rowI, (nuint)vc);
            Vector256<T> acc2 = Vector256.LoadUnsafe(ref rowI, (nuint)(2 * vc)), acc3 = Vector256.LoadUnsafe(ref rowI, (nuint)(3 * vc));
            for (int p = from; p < to; p++)
            {
                var s = Vector256.Create(Unsafe.Add(ref tri, i * n + p));
                ref T rowP = ref Unsafe.Add(ref origin, p * w + j);
                acc0 = MultiplyAdd(s, Vector256.LoadUnsafe(ref rowP), acc0);
                acc1 = MultiplyAdd(s, Vector256.LoadUnsafe(ref rowP, (nuint)vc), acc1);
                acc2 = MultiplyAdd(s, Vector256.LoadUnsafe(ref rowP, (nuint)(2 * vc)), acc2);
                acc3 = MultiplyAdd(s, Vector256.LoadUnsafe(ref rowP, (nuint)(3 * vc)), acc3);
            }
            if (!unit)
            {
                var d = Vector256.Create(invDiag[i]);
                acc0 *= d; acc1 *= d; acc2 *= d; acc3 *= d;
            }
            acc0.StoreUnsafe(ref rowI);
            acc1.StoreUnsafe(ref rowI, (nuint)vc);
            acc2.StoreUnsafe(ref rowI, (nuint)(2 * vc));
            acc3.StoreUnsafe(ref rowI, (nuint)(3 * vc));
        }
    }

    private static void SolveStrip1<T>(bool lower, bool unit, ReadOnlySpan<T> negTri, ReadOnlySpan<T> invDiag, Span<T> panel, int n, int w, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T origin = ref MemoryMarshal.GetReference(panel);
        ref T tri = ref MemoryMarshal.GetReference(negTri);
        for (int step = 0; step < n; step++)
        {
            int i = lower ? step : n - 1 - step, from = lower ? 0 : i + 1, to = lower ? i : n;
            ref T rowI = ref Unsafe.Add(ref origin, i * w + j);
            Vector256<T> acc = Vector256.LoadUnsafe(ref rowI);
            for (int p = from; p < to; p++)
                acc = MultiplyAdd(Vector256.Create(Unsafe.Add(ref tri, i * n + p)), Vector256.LoadUnsafe(ref Unsafe.Add(ref origin, p * w + j)), acc);
            if (!unit) acc *= Vector256.Create(invDiag[i]);
            acc.StoreUnsafe(ref rowI);
        }
    }

    /// <summary>a·b + c, fused where the element type has a hardware FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return a * b + c;
    }
}
