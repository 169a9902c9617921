using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RlsEdit.Tensors.Kernels;

namespace RlsEdit.Tensors;

/// <summary>
/// The leaf of <see cref="BlockedTriangularSolve"/> for triangles of up to <see cref="MaxSize"/> rows: A·X = B solved on
/// packed panels with the GEMM micro-kernel, so the solve runs at nearly GEMM speed instead of in small-k GEMM updates
/// and 16-row substitutions (docs/kernels.md, "Triangular solves on packed panels").
/// <para>
/// A is cut into MR-row blocks and packed once: each block's off-diagonal part (the columns of the rows already solved
/// when the block's turn comes) as one micro-kernel A sliver, and its MR×MR diagonal triangle negated with its
/// reciprocal diagonal. B is solved NR columns at a time: the n×NR strip is packed as one micro-kernel B sliver (n rows
/// of NR contiguous elements), which stays in L1 or L2, and solved in place block by block. For block I, its rows
/// −= A[I, solved]·X[solved] is a single micro-kernel call (α = −1, β = 1) whose B operand is the already solved rows of
/// the same sliver and whose C is the block's own rows of it; then <see cref="TriangularSubstitution"/> finishes the
/// MR×NR block against the diagonal triangle. Nothing is re-packed per block, and all but an MR/n share of the
/// multiply-adds run in the micro-kernel.
/// </para>
/// </summary>
internal static unsafe class PackedTriangularSolve
{
    /// <summary>
    /// Largest triangle solved here. At 512 an n×NR sliver of B (64 KiB in double or float on AVX-512) and the MR×kc
    /// slivers of the packed triangle are read from L2, which the micro-kernel hides as well as it does for the potrf
    /// trailing update's k = 512 (the 2560×512 potrf panel: 42 GFLOP/s with 256-row leaves and a GEMM update between
    /// them, 47 with one 512-row leaf; docs/performance.md, session 3). Larger triangles are split by
    /// <see cref="BlockedTriangularSolve"/> into GEMM updates with k ≥ 256.
    /// </summary>
    public const int MaxSize = 512;

    /// <summary>True when the packed path applies: a generated kernel exists, the triangle fits, and B has at least one full strip.</summary>
    public static bool Applies<T>(int n, int columns) where T : unmanaged =>
        KernelSelection.HasKernels<T>() && n <= MaxSize && columns >= KernelSelection.For<T>().Nr;

    /// <summary>
    /// B ← A⁻¹·B for the triangle of the n×n view <paramref name="a"/> named by <paramref name="lower"/>; call only when
    /// <see cref="Applies{T}"/>. Strips of NR columns are independent and each is computed the same way on any thread,
    /// so the result does not depend on <paramref name="maxThreads"/> (0: <see cref="LinearAlgebra.MaxDegreeOfParallelism"/>).
    /// </summary>
    public static void Solve<T>(bool lower, bool unit, MatrixView<T> a, MatrixView<T> b, int maxThreads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = KernelSelection.For<T>();
        int n = a.Rows, mr = kernel.Mr, nr = kernel.Nr, blocks = (n + mr - 1) / mr;
        var layout = new TriangleLayout(n, mr, lower);
        T[] packed = ArrayPool<T>.Shared.Rent(layout.PackedSize);
        T[] triangles = ArrayPool<T>.Shared.Rent(blocks * mr * mr + n);
        try
        {
            fixed (T* packedA = packed, pa = a.Array)
            {
                var source = new Operand<T>(pa + a.Offset, a.RowStride, a.ColStride);
                for (int block = 0; block < blocks; block++)
                {
                    var (k0, kc) = layout.SolvedColumns(block);
                    if (kc > 0) Packing.PackA(source, layout.FirstRow(block), k0, layout.Rows(block), kc, mr, packedA + layout.Offset(block));
                }
                PackDiagonalTriangles(lower, unit, a, layout, triangles);

                int strips = (b.Cols + nr - 1) / nr;
                double flops = (double)n * n * b.Cols;
                int threads = flops < GemmOptions<T>.Default.ParallelFromFlops ? 1
                    : Math.Min(maxThreads > 0 ? maxThreads : LinearAlgebra.MaxDegreeOfParallelism, strips);
                var context = new StripContext<T>(kernel, layout, (nint)packedA, triangles, lower, unit, b);
                if (threads == 1)
                    for (int s = 0; s < strips; s++) SolveStrip(context, s);
                else
                    Parallel.For(0, strips, new ParallelOptions { MaxDegreeOfParallelism = threads }, s => SolveStrip(context, s));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packed);
            ArrayPool<T>.Shared.Return(triangles);
        }
    }

    /// <summary>Where each MR-row block of the triangle starts, how many rows it has, and which solved columns its off-diagonal sliver covers.</summary>
    private readonly struct TriangleLayout(int n, int mr, bool lower)
    {
        public readonly int N = n, Mr = mr;
        public readonly bool Lower = lower;

        public int Blocks => (N + Mr - 1) / Mr;

        public int FirstRow(int block) => block * Mr;

        public int Rows(int block) => Math.Min(Mr, N - block * Mr);

        /// <summary>The columns of A (= rows of X) that block <paramref name="block"/> depends on: those above it (lower) or below it (upper).</summary>
        public (int First, int Count) SolvedColumns(int block) =>
            Lower ? (0, FirstRow(block)) : (FirstRow(block) + Rows(block), N - FirstRow(block) - Rows(block));

        /// <summary>Start of block <paramref name="block"/>'s MR×kc sliver in the packed A (slivers stored block after block).</summary>
        public int Offset(int block)
        {
            int offset = 0;
            for (int previous = 0; previous < block; previous++) offset += Mr * SolvedColumns(previous).Count;
            return offset;
        }

        public int PackedSize => Math.Max(1, Offset(Blocks));
    }

    /// <summary>Per block: the r×r diagonal triangle negated (row-major, stride r) at block·MR², then the n reciprocal diagonal entries.</summary>
    private static void PackDiagonalTriangles<T>(bool lower, bool unit, MatrixView<T> a, TriangleLayout layout, T[] triangles)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = layout.Mr, diagonalStart = layout.Blocks * mr * mr;
        for (int block = 0; block < layout.Blocks; block++)
        {
            int i0 = layout.FirstRow(block), r = layout.Rows(block);
            var triangle = triangles.AsSpan(block * mr * mr, r * r);
            for (int i = 0; i < r; i++)
            {
                int from = lower ? 0 : i + 1, to = lower ? i : r;
                for (int p = from; p < to; p++) triangle[i * r + p] = -a[i0 + i, i0 + p];
                triangles[diagonalStart + i0 + i] = unit ? T.One : T.One / a[i0 + i, i0 + i];
            }
        }
    }

    /// <summary>What every strip shares: the kernel, the packed triangle (pinned by the caller for the whole solve) and B.</summary>
    private sealed class StripContext<T>(MicroKernelSet<T> kernel, TriangleLayout layout, nint packedA, T[] triangles, bool lower, bool unit, MatrixView<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly MicroKernelSet<T> Kernel = kernel;
        public readonly TriangleLayout Layout = layout;
        public readonly nint PackedA = packedA;
        public readonly T[] Triangles = triangles;
        public readonly bool Lower = lower, Unit = unit;
        public readonly MatrixView<T> B = b;
    }

    /// <summary>Solves columns [NR·<paramref name="strip"/>, +NR) of B: pack into this thread's sliver, solve block by block, unpack.</summary>
    private static void SolveStrip<T>(StripContext<T> context, int strip) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = context.Kernel;
        var layout = context.Layout;
        int n = layout.N, mr = layout.Mr, nr = kernel.Nr, blocks = layout.Blocks;
        int j0 = strip * nr, width = Math.Min(nr, context.B.Cols - j0);
        var columns = context.B.Slice(0, j0, n, width);
        T* sliver = PackBuffer<T>.ForB(n * nr);
        PackStrip(columns, sliver, nr);

        T* packedA = (T*)context.PackedA;
        var triangles = context.Triangles.AsSpan();
        int diagonalStart = blocks * mr * mr;
        T minusOne = -T.One;
        for (int step = 0; step < blocks; step++)
        {
            int block = context.Lower ? step : blocks - 1 - step;
            int i0 = layout.FirstRow(block), r = layout.Rows(block);
            var (k0, kc) = layout.SolvedColumns(block);
            T* rows = sliver + i0 * nr;
            if (kc > 0)
            {
                T* a = packedA + layout.Offset(block), x = sliver + k0 * nr;
                if (r == mr) kernel.Full(kc, a, x, rows, nr, minusOne, T.One);
                else kernel.Edge(kc, a, x, rows, nr, 1, r, nr, minusOne, T.One);
            }
            TriangularSubstitution.Solve(context.Lower, context.Unit, triangles.Slice(block * mr * mr, r * r),
                triangles.Slice(diagonalStart + i0, r), new Span<T>(rows, r * nr), r, nr);
        }
        UnpackStrip(sliver, columns, nr);
    }

    /// <summary>
    /// Copies the n×w block into n rows of <paramref name="nr"/> (zero-padded past w), walking the source along its
    /// unit stride: row by row for a row-major B, column by column for a transposed one (the Cholesky panel).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackStrip<T>(MatrixView<T> block, T* sliver, int nr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = block.Rows, w = block.Cols;
        if (w < nr)
            for (int p = 0; p < n; p++)
                for (int j = w; j < nr; j++) sliver[p * nr + j] = default;
        fixed (T* origin = block.Array)
        {
            T* source = origin + block.Offset;
            if (block.ColStride == 1)
            {
                for (int p = 0; p < n; p++)
                    new ReadOnlySpan<T>(source + p * block.RowStride, w).CopyTo(new Span<T>(sliver + p * nr, w));
                return;
            }
            if (block.RowStride == 1 && TransposeInRegisters<T>())
            {
                // Column j of the block is a contiguous run: the block is the transpose of w rows ColStride apart.
                Transpose4x4((double*)source, block.ColStride, (double*)sliver, nr, w, n);
                return;
            }
            for (int j = 0; j < w; j++)
            {
                T* column = source + j * block.ColStride;
                for (int p = 0; p < n; p++) sliver[p * nr + j] = column[p * block.RowStride];
            }
        }
    }

    /// <summary>The inverse of <see cref="PackStrip{T}"/> for the block's w columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnpackStrip<T>(T* sliver, MatrixView<T> block, int nr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = block.Rows, w = block.Cols;
        fixed (T* origin = block.Array)
        {
            T* destination = origin + block.Offset;
            if (block.ColStride == 1)
            {
                for (int p = 0; p < n; p++)
                    new ReadOnlySpan<T>(sliver + p * nr, w).CopyTo(new Span<T>(destination + p * block.RowStride, w));
                return;
            }
            if (block.RowStride == 1 && TransposeInRegisters<T>())
            {
                Transpose4x4((double*)sliver, nr, (double*)destination, block.ColStride, n, w);
                return;
            }
            for (int j = 0; j < w; j++)
            {
                T* column = destination + j * block.ColStride;
                for (int p = 0; p < n; p++) column[p * block.RowStride] = sliver[p * nr + j];
            }
        }
    }

    /// <summary>
    /// True where <see cref="Transpose4x4"/> runs: double on AVX. The element-by-element transpose of a strip to and
    /// from a column-major B (the potrf panel, a transposed view) took a fifth of the panel solve (≈ 2 cycles per
    /// element: each pass down a column writes one element into every row of the sliver).
    /// </summary>
    private static bool TransposeInRegisters<T>() => typeof(T) == typeof(double) && Avx.IsSupported;

    /// <summary>
    /// destination[c·<paramref name="destinationStride"/> + r] ← source[r·<paramref name="sourceStride"/> + c] for
    /// r &lt; <paramref name="rows"/>, c &lt; <paramref name="cols"/>: 4×4 blocks transposed in registers, the ragged
    /// edges element by element.
    /// </summary>
    private static void Transpose4x4(double* source, nint sourceStride, double* destination, nint destinationStride, int rows, int cols)
    {
        int fullRows = rows & ~3, fullCols = cols & ~3;
        for (int r = 0; r < fullRows; r += 4)
        {
            double* s0 = source + r * sourceStride, s1 = s0 + sourceStride, s2 = s1 + sourceStride, s3 = s2 + sourceStride;
            for (int c = 0; c < fullCols; c += 4)
            {
                Vector256<double> v0 = Avx.LoadVector256(s0 + c), v1 = Avx.LoadVector256(s1 + c);
                Vector256<double> v2 = Avx.LoadVector256(s2 + c), v3 = Avx.LoadVector256(s3 + c);
                Vector256<double> t0 = Avx.UnpackLow(v0, v1), t1 = Avx.UnpackHigh(v0, v1);  // (v0₀ v1₀ v0₂ v1₂), (v0₁ v1₁ v0₃ v1₃)
                Vector256<double> t2 = Avx.UnpackLow(v2, v3), t3 = Avx.UnpackHigh(v2, v3);
                double* d = destination + c * destinationStride + r;
                Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
                Avx.Store(d + destinationStride, Avx.Permute2x128(t1, t3, 0x20));
                Avx.Store(d + 2 * destinationStride, Avx.Permute2x128(t0, t2, 0x31));
                Avx.Store(d + 3 * destinationStride, Avx.Permute2x128(t1, t3, 0x31));
            }
            for (int c = fullCols; c < cols; c++)
                for (int i = r; i < r + 4; i++) destination[c * destinationStride + i] = source[i * sourceStride + c];
        }
        for (int r = fullRows; r < rows; r++)
            for (int c = 0; c < cols; c++) destination[c * destinationStride + r] = source[r * sourceStride + c];
    }
}
