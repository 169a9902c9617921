using System.Numerics;
using System.Runtime.CompilerServices;

namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// BLIS-style level-3 driver: C ← α·op(A)·op(B) + β·C over packed, cache-blocked panels and a generated micro-kernel.
/// Loops (outer to inner): jc over NC columns, pc over KC (pack B), ic over MC rows (pack A), jr over NR, ir over MR.
/// A "lower" call stores only elements with column ≤ row + diagonal, which is how SYRK touches only its triangle.
/// </summary>
internal static unsafe class GemmDriver
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
        var problem = new Problem<T>(a, b, c, rowStrideC, colStrideC, m, n, k, alpha, beta, lowerOnly, diagonal);
        double flops = 2.0 * m * n * k * (lowerOnly ? 0.5 : 1.0);
        int threads = flops < options.ParallelFromFlops ? 1 : options.Threads;
        int mr = options.Kernels.Mr, nr = options.Kernels.Nr;
        if (threads > 1 && !lowerOnly && m < 2 * threads * mr && n >= 2 * threads * nr)
        {
            // Too few rows to share out as MC blocks: give each thread a slab of columns (and its own packed B).
            var bounds = EvenSplit(n, threads, nr);
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                if (bounds[t + 1] > bounds[t]) Blocked(problem.ColumnBlock(bounds[t], bounds[t + 1]), options, 1);
            });
            return;
        }
        Blocked(problem, options, threads);
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
    /// The five BLIS loops. With several threads, each kc×nc B panel is packed once and shared, and the MC blocks of
    /// A are handed out dynamically (each thread packs its own A block), so a thread that the OS delays, or the
    /// uneven blocks of a triangle, do not hold the others back.
    /// </summary>
    private static void Blocked<T>(Problem<T> p, GemmOptions<T> options, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = options.Kernels;
        int mr = kernel.Mr, nr = kernel.Nr;
        int kcBlock = options.Kc, mcBlock = options.Mc;
        if (p.N <= nr && p.K > kcBlock)
        {
            // A C one sliver wide (e.g. S·B in the Woodbury step) leaves A as the only large operand, read once:
            // read its rows in runs as long as an MR×kc A sliver plus the kc×NR B sliver fit in L2 (fewer passes,
            // page walks and prefetch restarts than KC-long runs), and keep the packed A block's size by shrinking MC.
            int longestKc = ThinPanelL2Bytes / ((mr + nr) * sizeof(T));
            kcBlock = CeilDiv(p.K, CeilDiv(p.K, longestKc));
            mcBlock = Math.Max(mr, (int)((long)options.Mc * options.Kc / kcBlock) / mr * mr);
        }
        // Several blocks per thread balance the load; never more than MC rows so that a block still fits L2.
        int mc = threads > 1 ? Math.Min(mcBlock, RoundUp(CeilDiv(p.M, 4 * threads), mr)) : mcBlock;
        int kcMax = Math.Min(kcBlock, p.K), ncMax = Math.Min(options.Nc, RoundUp(p.N, nr));
        int packedASize = Math.Min(mc, RoundUp(p.M, mr)) * kcMax;
        T* packedB = PackBuffer<T>.ForB(RoundUp(ncMax, nr) * kcMax);
        int blocks = CeilDiv(p.M, mc), lastRow = p.M - 1;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };

        for (int jc = 0; jc < p.N; jc += options.Nc)
        {
            int nc = Math.Min(options.Nc, p.N - jc);
            if (p.LowerOnly && lastRow + p.Diagonal < jc) break; // every later column block lies above the diagonal
            for (int pc = 0; pc < p.K; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, p.K - pc);
                T beta = pc == 0 ? p.Beta : T.One;
                Packing.PackB(p.B, pc, jc, kc, nc, nr, packedB);
                var step = new PanelStep<T>(jc, nc, pc, kc, beta, packedB, mc, packedASize);
                if (threads > 1 && blocks > 1)
                    Parallel.For(0, blocks, parallel, block => RowBlock(p, options, step, block));
                else
                    for (int block = 0; block < blocks; block++) RowBlock(p, options, step, block);
            }
        }
    }

    /// <summary>One packed kc×nc B panel, shared by the MC blocks that multiply it.</summary>
    private readonly struct PanelStep<T>(int jc, int nc, int pc, int kc, T beta, T* packedB, int mc, int packedASize) where T : unmanaged
    {
        public readonly int Jc = jc, Nc = nc, Pc = pc, Kc = kc, Mc = mc, PackedASize = packedASize;
        public readonly T Beta = beta;
        public readonly T* PackedB = packedB;
    }

    private static void RowBlock<T>(in Problem<T> p, GemmOptions<T> options, in PanelStep<T> step, int block) where T : unmanaged
    {
        var kernel = options.Kernels;
        int ic = block * step.Mc, mc = Math.Min(step.Mc, p.M - ic);
        if (p.LowerOnly && ic + mc - 1 + p.Diagonal < step.Jc) return;
        T* packedA = PackBuffer<T>.ForA(step.PackedASize);
        Packing.PackA(p.A, ic, step.Pc, mc, step.Kc, kernel.Mr, packedA);
        MacroKernel(p, options, packedA, step.PackedB, ic, step.Jc, mc, step.Nc, step.Kc, step.Beta);
    }

    private static void MacroKernel<T>(in Problem<T> p, GemmOptions<T> options, T* packedA, T* packedB,
        int ic, int jc, int mc, int nc, int kc, T beta) where T : unmanaged
    {
        var kernel = options.Kernels;
        int mr = kernel.Mr, nr = kernel.Nr;
        if ((long)kc * nc * sizeof(T) <= options.RowOrderPanelBytes)
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
        if (m == kernel.Mr && n == kernel.Nr && p.ColStrideC == 1) kernel.Full(kc, a, b, c, p.RowStrideC, p.Alpha, beta);
        else kernel.Edge(kc, a, b, c, p.RowStrideC, p.ColStrideC, m, n, p.Alpha, beta);
    }

    /// <summary>L2 share (of Zen 4's 1 MiB) for the A and B slivers of a one-sliver-wide C.</summary>
    private const int ThinPanelL2Bytes = 768 * 1024;

    private static int RoundUp(int value, int quantum) => CeilDiv(value, quantum) * quantum;

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;
}
