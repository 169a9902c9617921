using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// Copies strided blocks into the contiguous panel layouts the micro-kernels read (see docs/kernels.md):
/// A as MR-row slivers stored column by column, B as NR-column slivers stored row by row, edges zero-padded.
/// </summary>
internal static unsafe class Packing
{
    /// <summary>Packs the mc×kc block of <paramref name="a"/> at (<paramref name="row"/>, <paramref name="col"/>) into ⌈mc/mr⌉ slivers of mr×kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(Operand<T> a, int row, int col, int mc, int kc, int mr, T* dst) where T : unmanaged
    {
        for (int ir = 0; ir < mc; ir += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - ir);
            if (a.SymmetricLower)
            {
                // Columns right of the last row's diagonal lie wholly in the upper triangle: read them from the
                // stored transpose, whose sliver columns are contiguous rows of storage; the rest row by row.
                int gi = a.Row0 + row + ir, g0 = a.Col0 + col;
                int upperStart = Math.Clamp(gi + rows - g0, 0, kc);
                for (int i = 0; i < rows; i++) SymmetricLine(a, row + ir + i, col, upperStart, dst + i, mr);
                for (int p = upperStart; p < kc; p++)
                {
                    T* s = a.Base + (g0 + p) * a.RowStride + gi * a.ColStride, column = dst + p * mr;
                    for (int i = 0; i < rows; i++) column[i] = s[i * a.ColStride];
                }
                for (int i = rows; i < mr; i++)
                    for (int p = 0; p < kc; p++) dst[p * mr + i] = default;
                continue;
            }
            T* src = a.Base + (row + ir) * a.RowStride + col * a.ColStride;
            if (a.RowStride == 1)
            {
                // Columns of the sliver are contiguous in the source: copy column by column.
                for (int p = 0; p < kc; p++)
                {
                    T* s = src + p * a.ColStride, column = dst + p * mr;
                    for (int i = 0; i < rows; i++) column[i] = s[i];
                    for (int i = rows; i < mr; i++) column[i] = default;
                }
            }
            else
            {
                for (int i = 0; i < rows; i++)
                {
                    T* s = src + i * a.RowStride;
                    T* d = dst + i;
                    if (a.ColStride == 1) for (int p = 0; p < kc; p++) d[p * mr] = s[p];
                    else for (int p = 0; p < kc; p++) d[p * mr] = s[p * a.ColStride];
                }
                for (int i = rows; i < mr; i++)
                    for (int p = 0; p < kc; p++) dst[p * mr + i] = default;
            }
        }
    }

    /// <summary>Packs the kc×nc block of <paramref name="b"/> at (<paramref name="row"/>, <paramref name="col"/>) into ⌈nc/nr⌉ slivers of kc×nr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(Operand<T> b, int row, int col, int kc, int nc, int nr, T* dst) where T : unmanaged
    {
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            if (b.SymmetricLower)
            {
                // Rows below the last column's diagonal lie wholly in the stored lower triangle: copy them as rows;
                // the rows above go column by column (column j of a symmetric matrix is its row j).
                int gp = b.Row0 + row, gj = b.Col0 + col + jr;
                int lowerStart = Math.Clamp(gj + cols - 1 - gp, 0, kc);
                var bt = b.Transposed;
                for (int j = 0; j < cols; j++) SymmetricLine(bt, col + jr + j, row, lowerStart, dst + j, nr);
                for (int p = lowerStart; p < kc; p++)
                {
                    T* s = b.Base + (gp + p) * b.RowStride + gj * b.ColStride, line = dst + p * nr;
                    for (int j = 0; j < cols; j++) line[j] = s[j * b.ColStride];
                }
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = default;
                continue;
            }
            T* src = b.Base + row * b.RowStride + (col + jr) * b.ColStride;
            if (b.ColStride == 1)
            {
                PackRowsB(src, b.RowStride, kc, nc - jr, nr, dst);
                return;
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    T* s = src + j * b.ColStride;
                    T* d = dst + j;
                    if (b.RowStride == 1) for (int p = 0; p < kc; p++) d[p * nr] = s[p];
                    else for (int p = 0; p < kc; p++) d[p * nr] = s[p * b.RowStride];
                }
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = default;
            }
        }
    }

    /// <summary>
    /// Packs the slivers of a kc×<paramref name="nc"/> block whose rows are contiguous in the source, one source row
    /// at a time: each row is read once, front to back, so the hardware prefetcher streams it (sliver by sliver, the
    /// reads would hop a full row stride every NR elements and run at a fraction of the memory bandwidth — this
    /// packing is most of the time of a GEMM whose A has only a few rows).
    /// </summary>
    private static void PackRowsB<T>(T* src, nint rowStride, int kc, int nc, int nr, T* dst) where T : unmanaged
    {
        int fullSlivers = nc / nr, rest = nc - fullSlivers * nr;
        nint sliverSize = (nint)nr * kc;
        for (int p = 0; p < kc; p++, src += rowStride)
        {
            T* line = dst + p * nr;
            for (int s = 0; s < fullSlivers; s++) CopyLine(src + s * nr, line + s * sliverSize, nr);
            if (rest == 0) continue;
            T* partial = line + fullSlivers * sliverSize;
            CopyLine(src + fullSlivers * nr, partial, rest);
            for (int j = rest; j < nr; j++) partial[j] = default;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyLine<T>(T* src, T* dst, int count) where T : unmanaged
    {
        int bytes = count * sizeof(T);
        if (bytes == 128)
        {
            Vector512.Store(Vector512.Load((byte*)src), (byte*)dst);
            Vector512.Store(Vector512.Load((byte*)src + 64), (byte*)dst + 64);
        }
        else if (bytes == 64) Vector512.Store(Vector512.Load((byte*)src), (byte*)dst);
        else Buffer.MemoryCopy(src, dst, bytes, bytes);
    }

    /// <summary>
    /// Writes elements (<paramref name="i"/>, <paramref name="col"/> + p), p &lt; <paramref name="count"/>, of a symmetric
    /// operand to <c>dst[p·dstStride]</c>: the part left of the diagonal comes from row i of the stored lower
    /// triangle, the rest from column i — two straight loops instead of a branch per element.
    /// </summary>
    private static void SymmetricLine<T>(Operand<T> s, int i, int col, int count, T* dst, int dstStride) where T : unmanaged
    {
        int gi = s.Row0 + i, g0 = s.Col0 + col;
        int split = Math.Clamp(gi - g0 + 1, 0, count);
        T* rowPart = s.Base + gi * s.RowStride + g0 * s.ColStride;
        for (int p = 0; p < split; p++) dst[p * dstStride] = rowPart[p * s.ColStride];
        T* columnPart = s.Base + g0 * s.RowStride + gi * s.ColStride;
        for (int p = split; p < count; p++) dst[p * dstStride] = columnPart[p * s.RowStride];
    }
}
