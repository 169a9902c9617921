using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// BLIS-style level-3 driver: C ← α·op(A)·op(B) + β·C over packed, cache-blocked panels and a generated micro-kernel.
/// Loops (outer to inner): jc over NC columns, pc over KC (pack B), ic over MC rows (pack A), jr over NR, ir over MR.
/// Threads: <see cref="Team{T}"/> (GemmDriver.Team.cs).
/// A "lower" call stores only elements with column ≤ row + diagonal, which is how SYRK touches only its triangle.
/// </summary>
internal static unsafe partial class GemmDriver
{
    /// <summary>A problem, or one thread's slab of it: operands already pinned, C given by pointer and strides.</summary>
    private readonly struct Problem<T>(Operand<T> a, Operand<T> b, T* c, nint rowStrideC, nint colStrideC,
        int m, int n, int k, T alpha, T beta, bool lowerOnly, int diagonal) where T : unmanaged
    {
        public readonly Operand<T> A = a, B = b;
        public readonly T* C = c;
        public readonly nint RowStrideC = rowStrideC, ColStrideC = colStrideC;
        public readonly int M = m, N = n, K = k;
        public readonly T Alpha = alpha, Beta = beta;
        public readonly bool LowerOnly = lowerOnly;
        public readonly int Diagonal = diagonal;

        /// <summary>Columns [c0, c1) of C (and of B).</summary>
        public Problem<T> ColumnBlock(int c0, int c1) =>
            new(A, B.Offset(0, c0), C + c0 * ColStrideC, RowStrideC, ColStrideC, M, c1 - c0, K, Alpha, Beta, LowerOnly, Diagonal - c0);
    }

    /// <summary>
    /// C ← α·A·B + β·C for m×k <paramref name="a"/>, k×n <paramref name="b"/> (either may be <see cref="Operand{T}.SymmetricLower"/>);
    /// with <paramref name="lowerOnly"/>, only elements (i, j) with j ≤ i + <paramref name="diagonal"/> are computed and stored.
    /// Requires m, n, k ≥ 1.
    /// </summary>
    public static void Run<T>(Operand<T> a, Operand<T> b, T* c, nint rowStrideC, nint colStrideC, int m, int n, int k,
        T alpha, T beta, bool lowerOnly, int diagonal, GemmOptions<T> options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The micro-kernel's fast store wants unit column stride; a transposed C gets it from Cᵀ = Bᵀ·Aᵀ.
        if (!lowerOnly && colStrideC != 1 && rowStrideC == 1)
        {
            Run(b.Transposed, a.Transposed, c, colStrideC, rowStrideC, n, m, k, alpha, beta, false, 0, options);
            return;
        }
        if (ReferenceEquals(options, GemmOptions<T>.Default)) options = GemmOptions<T>.ForRows(m);
        var problem = new Problem<T>(a, b, c, rowStrideC, colStrideC, m, n, k, alpha, beta, lowerOnly, diagonal);
        var blocking = BlockSizes(problem, options);
        double flops = 2.0 * m * n * k * (lowerOnly ? 0.5 : 1.0);
        int threads = flops < options.ParallelFromFlops ? 1 : options.Threads;
        int nr = options.Kernels.Nr;
        if (threads > 1 && !lowerOnly && m <= blocking.Mc && n >= 2 * threads * nr)
        {
            // One row block only: sharing it out would leave a single packed A and the B packing — the bulk of a
            // thin product's memory traffic — to be coordinated per step. Each thread takes a slab of columns instead.
            var bounds = EvenSplit(n, threads, nr);
            RunWorkers(threads, t =>
            {
                if (bounds[t + 1] > bounds[t]) Serial(problem.ColumnBlock(bounds[t], bounds[t + 1]), options, blocking);
            });
            return;
        }
        if (threads > 1) Team(problem, options, blocking, threads);
        else Serial(problem, options, blocking);
    }

    /// <summary>The MC×KC blocking of one call, fixed before any split so that every thread count sums in the same order.</summary>
    private readonly record struct Blocking(int Mc, int Kc);

    private static Blocking BlockSizes<T>(in Problem<T> p, GemmOptions<T> options) where T : unmanaged
    {
        int mr = options.Kernels.Mr, nr = options.Kernels.Nr;
        if (p.N <= nr && p.K > options.Kc)
        {
            // A C one sliver wide (e.g. S·B in the Woodbury step) leaves A as the only large operand, read once:
            // read its rows in runs as long as an MR×kc A sliver plus the kc×NR B sliver fit in L2 (fewer passes,
            // page walks and prefetch restarts than KC-long runs), and keep the packed A block's size by shrinking MC.
            int longestKc = ThinPanelL2Bytes / ((mr + nr) * sizeof(T));
            int kc = CeilDiv(p.K, CeilDiv(p.K, longestKc));
            return new(Math.Max(mr, (int)((long)options.Mc * options.Kc / kc) / mr * mr), kc);
        }
        return new(options.Mc, options.Kc);
    }

    /// <summary>Boundaries of <paramref name="parts"/> near-equal ranges of [0, <paramref name="length"/>), cut at multiples of <paramref name="quantum"/>.</summary>
    private static int[] EvenSplit(int length, int parts, int quantum)
    {
        var bounds = new int[parts + 1];
        for (int t = 1; t < parts; t++)
            bounds[t] = Math.Min(length, (int)Math.Round((double)length * t / parts / quantum) * quantum);
        bounds[parts] = length;
        return bounds;
    }

    /// <summary>
    /// The five BLIS loops on the calling thread. The first row block packs each B panel a few slivers at a time,
    /// right before its kernels read them, so they come from L1/L2 rather than from wherever a whole packed panel
    /// was evicted to; for a C of few rows (one row block) that is all of B's packing.
    /// </summary>
    private static void Serial<T>(Problem<T> p, GemmOptions<T> options, Blocking blocking) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = options.Kernels.Mr, nr = options.Kernels.Nr;
        int kcMax = Math.Min(blocking.Kc, p.K), ncMax = Math.Min(options.Nc, RoundUp(p.N, nr));
        int mc = Math.Min(blocking.Mc, RoundUp(p.M, mr));
        T* packedB = PackBuffer<T>.ForB(RoundUp(ncMax, nr) * kcMax);
        T* packedA = PackBuffer<T>.ForA(mc * kcMax);
        int chunkColumns = Math.Max(1, FusedPackBytes / (kcMax * sizeof(T) * nr)) * nr, lastRow = p.M - 1;

        for (int jc = 0; jc < p.N; jc += options.Nc)
        {
            int nc = Math.Min(options.Nc, p.N - jc);
            if (p.LowerOnly && lastRow + p.Diagonal < jc) break; // every later column block lies above the diagonal
            for (int pc = 0; pc < p.K; pc += blocking.Kc)
            {
                int kc = Math.Min(blocking.Kc, p.K - pc);
                T beta = pc == 0 ? p.Beta : T.One;
                int firstRows = Math.Min(mc, p.M);
                Packing.PackA(p.A, 0, pc, firstRows, kc, mr, packedA);
                for (int j0 = 0; j0 < nc; j0 += chunkColumns)
                {
                    int cols = Math.Min(chunkColumns, nc - j0);
                    Packing.PackB(p.B, pc, jc + j0, kc, cols, nr, packedB + j0 * kc);
                    MacroKernel(p, options, packedA, packedB + j0 * kc, 0, jc + j0, firstRows, cols, kc, beta);
                }
                for (int ic = mc; ic < p.M; ic += mc)
                {
                    int rows = Math.Min(mc, p.M - ic);
                    if (p.LowerOnly && ic + rows - 1 + p.Diagonal < jc) continue;
                    Packing.PackA(p.A, ic, pc, rows, kc, mr, packedA);
                    MacroKernel(p, options, packedA, packedB, ic, jc, rows, nc, kc, beta);
                }
            }
        }
    }

    private static void MacroKernel<T>(in Problem<T> p, GemmOptions<T> options, T* packedA, T* packedB,
        int ic, int jc, int mc, int nc, int kc, T beta) where T : unmanaged
    {
        var kernel = options.Kernels;
        int mr = kernel.Mr, nr = kernel.Nr;
        if ((long)kc * nc * sizeof(T) <= options.RowOrderPanelBytes || kc <= options.RowOrderMaxKc)
        {
            for (int ir = 0; ir < mc; ir += mr)
                for (int jr = 0; jr < nc; jr += nr)
                    MicroTile(p, kernel, packedA + ir * kc, packedB + jr * kc, ic + ir, jc + jr, Math.Min(mr, mc - ir), Math.Min(nr, nc - jr), kc, beta);
        }
        else
        {
            // BLIS order: the kc×NR B sliver stays in L1 while the A slivers stream from L2.
            for (int jr = 0; jr < nc; jr += nr)
                for (int ir = 0; ir < mc; ir += mr)
                    MicroTile(p, kernel, packedA + ir * kc, packedB + jr * kc, ic + ir, jc + jr, Math.Min(mr, mc - ir), Math.Min(nr, nc - jr), kc, beta);
        }
    }

    /// <summary>One m×n (≤ MR×NR) tile of C at (<paramref name="i0"/>, <paramref name="j0"/>): full, edge or lower-triangle kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroTile<T>(in Problem<T> p, MicroKernelSet<T> kernel, T* a, T* b, int i0, int j0, int m, int n, int kc, T beta)
        where T : unmanaged
    {
        T* c = p.C + i0 * p.RowStrideC + j0 * p.ColStrideC;
        if (p.LowerOnly)
        {
            int diagonal = i0 + p.Diagonal - j0; // tile element (i, j) is stored iff j ≤ i + diagonal
            if (m - 1 + diagonal < 0) return;
            if (diagonal < n - 1)
            {
                kernel.Lower(kc, a, b, c, p.RowStrideC, p.ColStrideC, m, n, diagonal, p.Alpha, beta);
                return;
            }
        }
        if (m == kernel.Mr && n == kernel.Nr && p.ColStrideC == 1)
        {
            if (kc >= PrefetchCFromKc) PrefetchTile(c, p.RowStrideC, m, n);
            kernel.Full(kc, a, b, c, p.RowStrideC, p.Alpha, beta);
        }
        else kernel.Edge(kc, a, b, c, p.RowStrideC, p.ColStrideC, m, n, p.Alpha, beta);
    }

    /// <summary>
    /// Asks for the C tile's cache lines before the kernel's k loop starts: the kernel reads and writes C only after
    /// the loop, and a tile of 14 rows a full row stride apart is 28–42 lines from L3 or memory — left to demand
    /// misses, they cost the core a visible share of a kernel call. Issued now, they arrive during the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile<T>(T* c, nint rowStride, int rows, int cols) where T : unmanaged
    {
        if (!Sse.IsSupported) return;
        byte* row = (byte*)c;
        nint rowBytes = rowStride * sizeof(T), last = cols * sizeof(T) - 1;
        for (int i = 0; i < rows; i++, row += rowBytes)
        {
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 64);
            Sse.Prefetch0(row + last);
        }
    }

    /// <summary>A k block at least this long gives the prefetched C tile time to arrive (and is worth the prefetches).</summary>
    private const int PrefetchCFromKc = 64;

    /// <summary>L2 share (of Zen 4's 1 MiB) for the A and B slivers of a one-sliver-wide C.</summary>
    private const int ThinPanelL2Bytes = 768 * 1024;

    /// <summary>B is packed this many bytes at a time ahead of its first use: an L2-resident chunk of whole slivers.</summary>
    private const int FusedPackBytes = 128 * 1024;

    private static int RoundUp(int value, int quantum) => CeilDiv(value, quantum) * quantum;

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;
}
