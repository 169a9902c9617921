namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// How a level-3 call is blocked and threaded. <see cref="Default"/> is what the public API uses; tests pass tiny
/// block sizes to exercise every blocking edge at small n, and a specific kernel to check each dispatch variant.
/// </summary>
internal sealed record GemmOptions<T>(
    MicroKernelSet<T> Kernels,
    int Mc,
    int Kc,
    int Nc,
    int MaxThreads = 0,
    long ParallelFromFlops = 2L * 160 * 160 * 160,
    long ReferenceBelowFlops = 2L * 12 * 12 * 12,
    long RowOrderPanelBytes = 256 * 1024,
    int RowOrderMaxKc = 128) where T : unmanaged
{
    /// <summary>
    /// Cache blocking for Zen 4 (32 KiB L1d, 1 MiB L2 per core): the mc×kc A block in L2 (688 KiB in double), the
    /// kc×nc B panel in L3; the kc×NR B sliver (64 KiB in double) streams from L2 — the kernel reads 240 bytes per
    /// 28 FMA cycles, far below L2's bandwidth. KC = 512 rather than the 256 that would keep the sliver in L1: C is
    /// then read and written half as often, and one thread ran 4–5 % faster at n = 2048 (session 3, docs/performance.md).
    /// </summary>
    public static GemmOptions<T> Default { get; } = CreateDefault();

    // RowOrderPanelBytes: the largest packed B panel for which the macro-kernel walks C row strip by row strip
    // (A sliver outer, B slivers inner). Such a panel stays in L2, so nothing is lost by streaming it once per A
    // sliver, and C — the dominant traffic when k is small, as in the Woodbury update — is then read and written
    // sequentially instead of down row-stride-apart columns. Larger panels use the BLIS order (B sliver in L1).
    // RowOrderMaxKc: a k block this short also takes the row order, whatever the panel's size: each tile's kernel
    // call is then too short to hide a C tile fetched from a full row stride away, and C's traffic dominates (the
    // Woodbury step's SYRK at u = 100: 23.8 → 21.1 ms CPU time at d = 3072, loaded machine).

    /// <summary>
    /// The defaults, or — for a C of fewer than 2·MC rows — the same blocking with the kernel of the same vector
    /// width and NR (and MR ≥ 10, so that it keeps enough accumulators to hide the FMA latency) whose MR-row slivers
    /// pad <paramref name="rows"/> the least, if that saves at least <see cref="FewRowMinSaving"/> of the padded
    /// rows. With few rows the padded rows of the last sliver are a visible share of all the work: 100 rows are 8
    /// slivers of 14 (12 % wasted) or 10 slivers of 10 (none).
    /// </summary>
    public static GemmOptions<T> ForRows(int rows)
    {
        var best = Default;
        if (rows >= 2 * Default.Mc) return best;
        int limit = (int)(RoundUp(rows, Default.Kernels.Mr) * (1 - FewRowMinSaving));
        foreach (var candidate in FewRowCandidates)
            if (RoundUp(rows, candidate.Kernels.Mr) <= limit && RoundUp(rows, candidate.Kernels.Mr) < RoundUp(rows, best.Kernels.Mr)) best = candidate;
        return best;
    }

    /// <summary>
    /// A narrower kernel does less work per k step for its registers: at 100 rows the 10×16 double kernel took as
    /// long for its 100 rows as 14×16 for 112, i.e. it is ~10 % slower per useful flop. Only a larger saving pays.
    /// </summary>
    public const double FewRowMinSaving = 0.1;

    private static readonly GemmOptions<T>[] FewRowCandidates = CreateFewRowCandidates();

    private static GemmOptions<T>[] CreateFewRowCandidates()
    {
        if (!KernelSelection.HasKernels<T>()) return [];
        var dispatched = Default.Kernels;
        return KernelSelection.All<T>()
            .Where(k => k != dispatched && k.IsSupported && k.VectorBits == dispatched.VectorBits && k.Nr == dispatched.Nr && k.Mr >= 10)
            .Select(k => Default.With(k))
            .ToArray();
    }

    private static int RoundUp(int value, int quantum) => (value + quantum - 1) / quantum * quantum;

    /// <summary>Threads this call may use: <see cref="MaxThreads"/> if set, else the global setting.</summary>
    public int Threads => MaxThreads > 0 ? MaxThreads : LinearAlgebra.MaxDegreeOfParallelism;

    /// <summary>Same blocking and thresholds, another kernel.</summary>
    public GemmOptions<T> With(MicroKernelSet<T> kernels) => this with
    {
        Kernels = kernels,
        Mc = Math.Max(1, Mc / kernels.Mr) * kernels.Mr,
        Nc = Math.Max(1, Nc / kernels.Nr) * kernels.Nr,
    };

    private static GemmOptions<T> CreateDefault()
    {
        var kernels = KernelSelection.For<T>();
        int mc = 12 * kernels.Mr, kc = 512, nc = Math.Max(1, 2048 / kernels.Nr) * kernels.Nr;
        return new GemmOptions<T>(kernels, mc, kc, nc);
    }
}
