using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RlsEdit.Tensors;

/// <summary>
/// The two passes of a Woodbury step with few new rows, where the step is bound by memory traffic over C rather
/// than by flops: each row of the lower triangle of C is read (and, in the second pass, written) exactly once, and
/// the u×d right-hand sides stay in cache. Rows of K (or Gᵀ) are taken four at a time so that every vector of C
/// loaded from memory feeds eight (pass 1) or four (pass 2) FMAs. Requires C with contiguous rows.
/// </summary>
internal static class ThinSymmetricPasses
{
    /// <summary>Largest u for which streaming beats the packed level-3 path (measured: see docs/performance.md).</summary>
    public const int MaxRows = 48;

    private const int Group = 4;

    /// <summary>
    /// Fᵀ ← K·C (u×d, row-major) for symmetric C stored in its lower triangle. Row i of the triangle contributes to
    /// column i of Fᵀ (dot products with K) and, by symmetry, to columns 0..i−1 (AXPYs), so C is read once.
    /// </summary>
    public static void MultiplyByLower<T>(MatrixView<T> cLower, ReadOnlySpan<T> k, Span<T> ft, int u)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = cLower.Rows;
        bool vector = Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported;
        ft.Clear();
        Span<T> dots = stackalloc T[Group];
        // Rows of C go in pairs where possible: each vector of K and Fᵀ loaded from cache then serves two rows.
        for (int i = 0; i < d; i += 2)
        {
            bool pair = i + 1 < d;
            for (int q0 = 0; q0 < u; q0 += Group)
            {
                int g = Math.Min(Group, u - q0);
                if (pair && vector && g == Group)
                {
                    PairOfRows(cLower, k.Slice(q0 * d), ft.Slice(q0 * d), d, i);
                    continue;
                }
                SingleRow(cLower, k, ft, d, i, q0, g, dots);
                if (pair) SingleRow(cLower, k, ft, d, i + 1, q0, g, dots);
            }
        }
    }

    /// <summary>Row i of the triangle against rows q0..q0+g−1 of K: its dot products into Fᵀ[:, i], its AXPYs into Fᵀ[:, 0:i].</summary>
    private static void SingleRow<T>(MatrixView<T> cLower, ReadOnlySpan<T> k, Span<T> ft, int d, int i, int q0, int g, Span<T> dots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> below = cLower.RowSpan(i).Slice(0, i);   // C[i, 0:i]
        DotsAndAxpys(below, k.Slice(q0 * d), ft.Slice(q0 * d), d, i, g, dots);
        T diagonal = cLower[i, i];
        for (int q = 0; q < g; q++)
            ft[(q0 + q) * d + i] += dots[q] + diagonal * k[(q0 + q) * d + i];
    }

    /// <summary>
    /// Rows i and i+1 of the triangle against four rows of K (row stride d) in one sweep: C[i, 0:i] and C[i+1, 0:i]
    /// share every load of K and Fᵀ; the coupling element C[i+1, i] and the diagonals are added at the end.
    /// </summary>
    private static void PairOfRows<T>(MatrixView<T> cLower, ReadOnlySpan<T> k, Span<T> ft, int d, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> ca = cLower.RowSpan(i).Slice(0, i + 1), cb = cLower.RowSpan(i + 1).Slice(0, i + 2);
        ref T a0 = ref MemoryMarshal.GetReference(ca), b0 = ref MemoryMarshal.GetReference(cb);
        ref T k0 = ref MemoryMarshal.GetReference(k), f0 = ref MemoryMarshal.GetReference(ft);
        ref T k1 = ref Unsafe.Add(ref k0, d), k2 = ref Unsafe.Add(ref k0, 2 * d), k3 = ref Unsafe.Add(ref k0, 3 * d);
        ref T f1 = ref Unsafe.Add(ref f0, d), f2 = ref Unsafe.Add(ref f0, 2 * d), f3 = ref Unsafe.Add(ref f0, 3 * d);
        var sa0 = Vector256.Create(Unsafe.Add(ref k0, i)); var sa1 = Vector256.Create(Unsafe.Add(ref k1, i));
        var sa2 = Vector256.Create(Unsafe.Add(ref k2, i)); var sa3 = Vector256.Create(Unsafe.Add(ref k3, i));
        var sb0 = Vector256.Create(Unsafe.Add(ref k0, i + 1)); var sb1 = Vector256.Create(Unsafe.Add(ref k1, i + 1));
        var sb2 = Vector256.Create(Unsafe.Add(ref k2, i + 1)); var sb3 = Vector256.Create(Unsafe.Add(ref k3, i + 1));
        Vector256<T> da0 = Vector256<T>.Zero, da1 = da0, da2 = da0, da3 = da0, db0 = da0, db1 = da0, db2 = da0, db3 = da0;
        int vc = Vector256<T>.Count, j = 0;
        for (; j + vc <= i; j += vc)
        {
            var va = Vector256.LoadUnsafe(ref a0, (nuint)j);
            var vb = Vector256.LoadUnsafe(ref b0, (nuint)j);
            var kv = Vector256.LoadUnsafe(ref k0, (nuint)j);
            da0 = MultiplyAdd(va, kv, da0); db0 = MultiplyAdd(vb, kv, db0);
            MultiplyAdd(sb0, vb, MultiplyAdd(sa0, va, Vector256.LoadUnsafe(ref f0, (nuint)j))).StoreUnsafe(ref f0, (nuint)j);
            kv = Vector256.LoadUnsafe(ref k1, (nuint)j);
            da1 = MultiplyAdd(va, kv, da1); db1 = MultiplyAdd(vb, kv, db1);
            MultiplyAdd(sb1, vb, MultiplyAdd(sa1, va, Vector256.LoadUnsafe(ref f1, (nuint)j))).StoreUnsafe(ref f1, (nuint)j);
            kv = Vector256.LoadUnsafe(ref k2, (nuint)j);
            da2 = MultiplyAdd(va, kv, da2); db2 = MultiplyAdd(vb, kv, db2);
            MultiplyAdd(sb2, vb, MultiplyAdd(sa2, va, Vector256.LoadUnsafe(ref f2, (nuint)j))).StoreUnsafe(ref f2, (nuint)j);
            kv = Vector256.LoadUnsafe(ref k3, (nuint)j);
            da3 = MultiplyAdd(va, kv, da3); db3 = MultiplyAdd(vb, kv, db3);
            MultiplyAdd(sb3, vb, MultiplyAdd(sa3, va, Vector256.LoadUnsafe(ref f3, (nuint)j))).StoreUnsafe(ref f3, (nuint)j);
        }
        Span<T> dotA = stackalloc T[] { Vector256.Sum(da0), Vector256.Sum(da1), Vector256.Sum(da2), Vector256.Sum(da3) };
        Span<T> dotB = stackalloc T[] { Vector256.Sum(db0), Vector256.Sum(db1), Vector256.Sum(db2), Vector256.Sum(db3) };
        for (int q = 0; q < Group; q++)
        {
            int row = q * d;
            T kqi = k[row + i], kqi1 = k[row + i + 1];
            for (int jj = j; jj < i; jj++)
            {
                dotA[q] += ca[jj] * k[row + jj];
                dotB[q] += cb[jj] * k[row + jj];
                ft[row + jj] += kqi * ca[jj] + kqi1 * cb[jj];
            }
            dotB[q] += cb[i] * kqi;                                  // C[i+1, i]·K[q, i]
            ft[row + i] += dotA[q] + ca[i] * kqi + cb[i] * kqi1;     // …and its mirror C[i, i+1], plus C[i, i]
            ft[row + i + 1] += dotB[q] + cb[i + 1] * kqi1;
        }
    }

    /// <summary>
    /// For the <paramref name="g"/> ≤ 4 rows q of K and Fᵀ starting at the given spans (row stride d):
    /// dots[q] = C[i,0:i]·K[q,0:i] and Fᵀ[q,0:i] += K[q,i]·C[i,0:i], in one sweep over the C row.
    /// </summary>
    private static void DotsAndAxpys<T>(ReadOnlySpan<T> c, ReadOnlySpan<T> k, Span<T> ft, int d, int i, int g, Span<T> dots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T c0 = ref MemoryMarshal.GetReference(c);
        ref T k0 = ref MemoryMarshal.GetReference(k);
        ref T f0 = ref MemoryMarshal.GetReference(ft);
        int j = 0;
        dots.Clear();
        if (g == Group && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int vc = Vector256<T>.Count;
            ref T k1 = ref Unsafe.Add(ref k0, d), k2 = ref Unsafe.Add(ref k0, 2 * d), k3 = ref Unsafe.Add(ref k0, 3 * d);
            ref T f1 = ref Unsafe.Add(ref f0, d), f2 = ref Unsafe.Add(ref f0, 2 * d), f3 = ref Unsafe.Add(ref f0, 3 * d);
            Vector256<T> s0 = Vector256.Create(Unsafe.Add(ref k0, i)), s1 = Vector256.Create(Unsafe.Add(ref k1, i));
            Vector256<T> s2 = Vector256.Create(Unsafe.Add(ref k2, i)), s3 = Vector256.Create(Unsafe.Add(ref k3, i));
            Vector256<T> d0 = Vector256<T>.Zero, d1 = d0, d2 = d0, d3 = d0;
            for (; j + vc <= i; j += vc)
            {
                var cv = Vector256.LoadUnsafe(ref c0, (nuint)j);
                d0 = MultiplyAdd(cv, Vector256.LoadUnsafe(ref k0, (nuint)j), d0);
                d1 = MultiplyAdd(cv, Vector256.LoadUnsafe(ref k1, (nuint)j), d1);
                d2 = MultiplyAdd(cv, Vector256.LoadUnsafe(ref k2, (nuint)j), d2);
                d3 = MultiplyAdd(cv, Vector256.LoadUnsafe(ref k3, (nuint)j), d3);
                MultiplyAdd(s0, cv, Vector256.LoadUnsafe(ref f0, (nuint)j)).StoreUnsafe(ref f0, (nuint)j);
                MultiplyAdd(s1, cv, Vector256.LoadUnsafe(ref f1, (nuint)j)).StoreUnsafe(ref f1, (nuint)j);
                MultiplyAdd(s2, cv, Vector256.LoadUnsafe(ref f2, (nuint)j)).StoreUnsafe(ref f2, (nuint)j);
                MultiplyAdd(s3, cv, Vector256.LoadUnsafe(ref f3, (nuint)j)).StoreUnsafe(ref f3, (nuint)j);
            }
            dots[0] = Vector256.Sum(d0); dots[1] = Vector256.Sum(d1); dots[2] = Vector256.Sum(d2); dots[3] = Vector256.Sum(d3);
        }
        if (j > 0)
        {
            for (int q = 0; q < g; q++)   // the vector loop's tail
            {
                T kqi = k[q * d + i];
                for (int jj = j; jj < i; jj++)
                {
                    dots[q] += c[jj] * k[q * d + jj];
                    ft[q * d + jj] += kqi * c[jj];
                }
            }
            return;
        }
        for (int q = 0; q < g; q++)   // fewer than four rows left (or short rows): one library call per row
        {
            ReadOnlySpan<T> kq = k.Slice(q * d, i);
            Span<T> fq = ft.Slice(q * d, i);
            dots[q] = TensorPrimitives.Dot(c, kq);
            TensorPrimitives.FusedMultiplyAdd(c, k[q * d + i], fq, fq);
        }
    }

    /// <summary>Lower triangle of C ← C − G·Gᵀ given Gᵀ (u×d, row-major): one read-write pass over the rows of C.</summary>
    public static void SubtractGram<T>(MatrixView<T> cLower, ReadOnlySpan<T> gt, int u)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = cLower.Rows;
        bool vector = Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported;
        for (int i = 0; i < d; i += 2)
        {
            bool pair = i + 1 < d;
            for (int q0 = 0; q0 < u; q0 += Group)
            {
                int g = Math.Min(Group, u - q0);
                if (pair && vector && g == Group)
                {
                    SubtractOuterRowsPair(cLower.RowSpan(i).Slice(0, i + 1), cLower.RowSpan(i + 1).Slice(0, i + 2), gt.Slice(q0 * d), d, i);
                    continue;
                }
                SubtractOuterRows(cLower.RowSpan(i).Slice(0, i + 1), gt.Slice(q0 * d), d, i, g);
                if (pair) SubtractOuterRows(cLower.RowSpan(i + 1).Slice(0, i + 2), gt.Slice(q0 * d), d, i + 1, g);
            }
        }
    }

    /// <summary>Rows i and i+1 of C against four rows of Gᵀ in one sweep; each vector of Gᵀ serves both rows.</summary>
    private static void SubtractOuterRowsPair<T>(Span<T> rowA, Span<T> rowB, ReadOnlySpan<T> gt, int d, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T a0 = ref MemoryMarshal.GetReference(rowA), b0 = ref MemoryMarshal.GetReference(rowB);
        ref T g0 = ref MemoryMarshal.GetReference(gt);
        ref T g1 = ref Unsafe.Add(ref g0, d), g2 = ref Unsafe.Add(ref g0, 2 * d), g3 = ref Unsafe.Add(ref g0, 3 * d);
        var sa0 = Vector256.Create(-Unsafe.Add(ref g0, i)); var sa1 = Vector256.Create(-Unsafe.Add(ref g1, i));
        var sa2 = Vector256.Create(-Unsafe.Add(ref g2, i)); var sa3 = Vector256.Create(-Unsafe.Add(ref g3, i));
        var sb0 = Vector256.Create(-Unsafe.Add(ref g0, i + 1)); var sb1 = Vector256.Create(-Unsafe.Add(ref g1, i + 1));
        var sb2 = Vector256.Create(-Unsafe.Add(ref g2, i + 1)); var sb3 = Vector256.Create(-Unsafe.Add(ref g3, i + 1));
        int vc = Vector256<T>.Count, n = i + 1, j = 0;
        for (; j + vc <= n; j += vc)
        {
            var ra = Vector256.LoadUnsafe(ref a0, (nuint)j);
            var rb = Vector256.LoadUnsafe(ref b0, (nuint)j);
            var gv = Vector256.LoadUnsafe(ref g0, (nuint)j);
            ra = MultiplyAdd(sa0, gv, ra); rb = MultiplyAdd(sb0, gv, rb);
            gv = Vector256.LoadUnsafe(ref g1, (nuint)j);
            ra = MultiplyAdd(sa1, gv, ra); rb = MultiplyAdd(sb1, gv, rb);
            gv = Vector256.LoadUnsafe(ref g2, (nuint)j);
            ra = MultiplyAdd(sa2, gv, ra); rb = MultiplyAdd(sb2, gv, rb);
            gv = Vector256.LoadUnsafe(ref g3, (nuint)j);
            ra = MultiplyAdd(sa3, gv, ra); rb = MultiplyAdd(sb3, gv, rb);
            ra.StoreUnsafe(ref a0, (nuint)j);
            rb.StoreUnsafe(ref b0, (nuint)j);
        }
        for (int q = 0; q < Group; q++)
        {
            int row = q * d;
            T ga = gt[row + i], gb = gt[row + i + 1];
            for (int jj = j; jj < n; jj++)
            {
                rowA[jj] -= ga * gt[row + jj];
                rowB[jj] -= gb * gt[row + jj];
            }
            rowB[i + 1] -= gb * gb;   // the diagonal of row i+1, beyond row i's length
        }
    }

    /// <summary>row[0:i+1] −= Σ_q Gᵀ[q,i]·Gᵀ[q,0:i+1] over the <paramref name="g"/> ≤ 4 rows of Gᵀ starting at <paramref name="gt"/>.</summary>
    private static void SubtractOuterRows<T>(Span<T> row, ReadOnlySpan<T> gt, int d, int i, int g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T r0 = ref MemoryMarshal.GetReference(row);
        ref T g0 = ref MemoryMarshal.GetReference(gt);
        int n = i + 1, j = 0;
        if (g == Group && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int vc = Vector256<T>.Count;
            ref T g1 = ref Unsafe.Add(ref g0, d), g2 = ref Unsafe.Add(ref g0, 2 * d), g3 = ref Unsafe.Add(ref g0, 3 * d);
            Vector256<T> s0 = Vector256.Create(-Unsafe.Add(ref g0, i)), s1 = Vector256.Create(-Unsafe.Add(ref g1, i));
            Vector256<T> s2 = Vector256.Create(-Unsafe.Add(ref g2, i)), s3 = Vector256.Create(-Unsafe.Add(ref g3, i));
            for (; j + vc <= n; j += vc)
            {
                var r = Vector256.LoadUnsafe(ref r0, (nuint)j);
                r = MultiplyAdd(s0, Vector256.LoadUnsafe(ref g0, (nuint)j), r);
                r = MultiplyAdd(s1, Vector256.LoadUnsafe(ref g1, (nuint)j), r);
                r = MultiplyAdd(s2, Vector256.LoadUnsafe(ref g2, (nuint)j), r);
                r = MultiplyAdd(s3, Vector256.LoadUnsafe(ref g3, (nuint)j), r);
                r.StoreUnsafe(ref r0, (nuint)j);
            }
        }
        if (j > 0)
        {
            for (int q = 0; q < g; q++)   // the vector loop's tail
            {
                T s = gt[q * d + i];
                for (int jj = j; jj < n; jj++) row[jj] -= s * gt[q * d + jj];
            }
            return;
        }
        for (int q = 0; q < g; q++)
            TensorPrimitives.FusedMultiplyAdd(gt.Slice(q * d, n), -gt[q * d + i], row, row);
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
