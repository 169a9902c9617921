using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (b.SymmetricLower)
        {
            PackSymmetricB(b, row, col, kc, nc, nr, dst);
            return;
        }
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
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
    /// <see cref="PackB{T}"/> for a symmetric B stored in its lower triangle. Per sliver, the rows that reach above
    /// the diagonal come from the stored transpose (column j of a symmetric matrix is its row j): gathered where
    /// the sliver is wholly above it, element by element where it crosses it. Then the rows that lie wholly in
    /// the stored triangle are copied in one pass over the panel's rows, each row's run of whole slivers front to
    /// back, as <see cref="PackRowsB{T}"/> does for a general B.
    /// </summary>
    private static void PackSymmetricB<T>(Operand<T> b, int row, int col, int kc, int nc, int nr, T* dst) where T : unmanaged
    {
        int gp = b.Row0 + row, gj0 = b.Col0 + col;
        var bt = b.Transposed;
        nint sliverSize = (nint)nr * kc;
        for (int jr = 0; jr < nc; jr += nr)
        {
            T* sliver = dst + jr / nr * sliverSize;
            int cols = Math.Min(nr, nc - jr), gj = gj0 + jr;
            int lowerStart = Math.Clamp(gj + cols - 1 - gp, 0, kc);
            int upper = cols == nr ? GatherUpperRows(b, gp, gj, Math.Min(lowerStart, gj - gp + 1), nr, sliver) : 0;
            for (int j = 0; j < cols; j++) SymmetricLine(bt, col + jr + j, row + upper, lowerStart - upper, sliver + upper * nr + j, nr);
            for (int j = cols; j < nr; j++)
                for (int p = 0; p < kc; p++) sliver[p * nr + j] = default;
        }
        for (int p = 0; p < kc; p++)
        {
            // Row gp + p is stored up to column gp + p: the slivers that end there or before are wholly lower.
            int lowerColumns = Math.Min(nc, gp + p - gj0 + 1);
            T* source = b.Base + (gp + p) * b.RowStride + gj0 * b.ColStride, line = dst + p * nr;
            for (int jr = 0; jr < lowerColumns; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                if (jr + cols > lowerColumns) break;
                T* s = source + jr * b.ColStride, d = line + jr / nr * sliverSize;
                if (b.ColStride == 1) CopyLine(s, d, cols);
                else for (int j = 0; j < cols; j++) d[j] = s[j * b.ColStride];
            }
        }
    }

    /// <summary>
    /// Packs the leading <paramref name="rows"/> rows of a full sliver of a symmetric B that lie on or above the
    /// diagonal — element (gp + p, gj + j) stored at (gj + j, gp + p), i.e. the sliver is a transposed block of
    /// storage — with AVX2 gathers (.NET has no AVX-512 gather), one packed row (NR elements, NR storage rows) at a time: the NR source rows
    /// stay in L1 across consecutive p, and a gather moves 4 (double) or 8 (float) elements where scalar transposing
    /// moves one. Returns the rows packed: 0 when the CPU, the element type or the strides do not allow it.
    /// </summary>
    private static int GatherUpperRows<T>(Operand<T> b, int gp, int gj, int rows, int nr, T* dst) where T : unmanaged
    {
        if (rows <= 0 || !Avx2.IsSupported || (long)(nr - 1) * b.RowStride > int.MaxValue) return 0;
        T* source = b.Base + gj * b.RowStride + gp * b.ColStride;
        int stride = (int)b.RowStride;
        if (typeof(T) == typeof(double) && nr == 16)
        {
            var index = Vector128.Create(0, 1, 2, 3) * stride;
            var step = Vector128.Create(4 * stride);
            for (int p = 0; p < rows; p++)
            {
                double* s = (double*)(source + p * b.ColStride), line = (double*)(dst + p * nr);
                var i0 = index; var i1 = i0 + step; var i2 = i1 + step; var i3 = i2 + step;
                Avx2.GatherVector256(s, i0, sizeof(double)).Store(line);
                Avx2.GatherVector256(s, i1, sizeof(double)).Store(line + 4);
                Avx2.GatherVector256(s, i2, sizeof(double)).Store(line + 8);
                Avx2.GatherVector256(s, i3, sizeof(double)).Store(line + 12);
            }
            return rows;
        }
        if (typeof(T) == typeof(float) && nr == 32)
        {
            var index = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * stride;
            var step = Vector256.Create(8 * stride);
            for (int p = 0; p < rows; p++)
            {
                float* s = (float*)(source + p * b.ColStride), line = (float*)(dst + p * nr);
                var i0 = index; var i1 = i0 + step; var i2 = i1 + step; var i3 = i2 + step;
                Avx2.GatherVector256(s, i0, sizeof(float)).Store(line);
                Avx2.GatherVector256(s, i1, sizeof(float)).Store(line + 8);
                Avx2.GatherVector256(s, i2, sizeof(float)).Store(line + 16);
                Avx2.GatherVector256(s, i3, sizeof(float)).Store(line + 24);
            }
            return rows;
        }
        return 0;
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
