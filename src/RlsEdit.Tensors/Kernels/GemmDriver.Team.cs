using System.Numerics;
using System.Runtime.ExceptionServices;

namespace RlsEdit.Tensors.Kernels;

internal static unsafe partial class GemmDriver
{
    /// <summary>
    /// At least this many work items per thread and step: with fewer row blocks than that, the blocks are also cut
    /// into column parts (each part packs its row block's A again, so no more parts than needed).
    /// </summary>
    private const int MinItemsPerThread = 3;

    /// <summary>
    /// The last step's items are this many times narrower: the threads then finish within a fraction of an
    /// ordinary item of each other (the one-thread tail is what is left of the last item a thread picked up).
    /// </summary>
    private const int LastStepRefinement = 4;

    /// <summary>
    /// The threaded form of <see cref="Serial{T}"/>: one team of workers walks every (jc, pc) step with no barrier
    /// between steps. Per step the team packs the kc×nc B panel together (chunks of slivers, claimed dynamically),
    /// then claims work items — a row block × a part of the panel's columns. Row blocks are at most MC rows, as
    /// even as whole MR slivers allow, and come in a multiple of the thread count; column parts are added only
    /// when that still leaves fewer than <see cref="MinItemsPerThread"/> items per thread, and the last step's items
    /// are cut <see cref="LastStepRefinement"/> times narrower to even out where the threads finish
    /// (<see cref="LastStepPiece"/>). A worker keeps its packed A block while its next item has the same rows and k
    /// block. Two B buffers alternate, so a worker that is done with its share of one step packs the next panel
    /// instead of waiting.
    /// <para>
    /// Ordering: an item of step s starts only after the item of step s − 1 over the same C block (for the last
    /// step: the one that contains it) has finished, so every element of C is summed in the same order as on one
    /// thread — results are bitwise those of <see cref="Serial{T}"/>. A panel is packed into a buffer only after
    /// every item that read the buffer's previous panel (step s − 2) has finished.
    /// </para>
    /// <para>
    /// Waiting: a worker only ever waits for work that a running worker has already claimed (it claims in step
    /// order and passes a step only when all of it is claimed), so a worker the pool starts late or never cannot
    /// stall the others, and the dependencies always point to earlier steps, so there is no cycle. A worker that
    /// throws records its exception and raises the team's failure flag; every wait checks the flag and returns, and
    /// the first exception is rethrown on the calling thread with its original stack.
    /// </para>
    /// </summary>
    private static void Team<T>(Problem<T> p, GemmOptions<T> options, Blocking blocking, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = options.Kernels.Mr, nr = options.Kernels.Nr, lastRow = p.M - 1;
        int slivers = CeilDiv(p.M, mr);
        int rowBlocks = Math.Min(slivers, RoundUp(CeilDiv(p.M, blocking.Mc), threads));
        var rowBounds = EvenSplit(p.M, rowBlocks, mr);
        int mc = 0;
        for (int rb = 0; rb < rowBlocks; rb++) mc = Math.Max(mc, RoundUp(rowBounds[rb + 1] - rowBounds[rb], mr));
        int ncMax = Math.Min(options.Nc, RoundUp(p.N, nr)), kcMax = Math.Min(blocking.Kc, p.K);
        int panelSlivers = CeilDiv(ncMax, nr);
        int columnParts = Math.Clamp(CeilDiv(MinItemsPerThread * threads, rowBlocks), 1, panelSlivers);
        int partColumns = CeilDiv(panelSlivers, columnParts) * nr;
        columnParts = CeilDiv(ncMax, partColumns);
        int items = rowBlocks * columnParts;
        int pieces = Math.Min(LastStepRefinement, partColumns / nr), pieceColumns = CeilDiv(partColumns / nr, pieces) * nr;
        int packChunks = Math.Min(panelSlivers, 2 * threads), chunkColumns = CeilDiv(panelSlivers, packChunks) * nr;
        packChunks = CeilDiv(ncMax, chunkColumns);

        var steps = new List<(int Jc, int Nc, int Pc, int Kc)>();
        for (int jc = 0; jc < p.N; jc += options.Nc)
        {
            if (p.LowerOnly && lastRow + p.Diagonal < jc) break; // every later column block lies above the diagonal
            for (int pc = 0; pc < p.K; pc += blocking.Kc)
                steps.Add((jc, Math.Min(options.Nc, p.N - jc), pc, Math.Min(blocking.Kc, p.K - pc)));
        }

        int panelSize = RoundUp(RoundUp(ncMax, nr) * kcMax, 64); // keeps the second buffer 64-byte aligned
        nint buffers = (nint)PackBuffer<T>.ForB(2 * panelSize);
        var team = new TeamState(steps.Count, items);

        RunWorkers(threads, _ =>
        {
            try
            {
                T* packedA = PackBuffer<T>.ForA(mc * kcMax);
                int packedRow = -1, packedStep = -1; // the row block and step whose A block packedA holds
                for (int s = 0; s < steps.Count; s++)
                {
                    var (jc, nc, pc, kc) = steps[s];
                    T* packedB = (T*)buffers + (s & 1) * panelSize;
                    T beta = pc == 0 ? p.Beta : T.One;
                    if (s >= 2 && !team.WaitFor(ref team.ItemsDone[s - 2], items)) return;
                    for (int chunk; !team.Failed && (chunk = Interlocked.Increment(ref team.ChunksClaimed[s]) - 1) < packChunks;)
                    {
                        int j0 = chunk * chunkColumns;
                        if (j0 < nc) Packing.PackB(p.B, pc, jc + j0, kc, Math.Min(chunkColumns, nc - j0), nr, packedB + j0 * kc);
                        Interlocked.Increment(ref team.ChunksPacked[s]);
                    }
                    if (!team.WaitFor(ref team.ChunksPacked[s], packChunks)) return;
                    bool last = s == steps.Count - 1;
                    int perItem = last ? pieces : 1, width = last ? pieceColumns : partColumns, stepItems = items * perItem;
                    for (int claimed; !team.Failed && (claimed = Interlocked.Increment(ref team.ItemsClaimed[s]) - 1) < stepItems;)
                    {
                        int item = claimed, piece = 0;
                        if (last) (item, piece) = LastStepPiece(claimed, items, pieces, threads);
                        int rb = item / columnParts;
                        if (s >= 1 && !team.WaitFor(ref team.ItemStep[item], s)) return; // its C block's previous k block
                        int ic = rowBounds[rb], rows = rowBounds[rb + 1] - ic;
                        int j0 = item % columnParts * partColumns + piece * width;
                        int cols = Math.Min(Math.Min(width, (item % columnParts + 1) * partColumns - j0), nc - j0);
                        if (rows > 0 && cols > 0 && !(p.LowerOnly && ic + rows - 1 + p.Diagonal < jc + j0))
                        {
                            if (packedRow != rb || packedStep != s) Packing.PackA(p.A, ic, pc, rows, kc, mr, packedA);
                            (packedRow, packedStep) = (rb, s);
                            MacroKernel(p, options, packedA, packedB + j0 * kc, ic, jc + j0, rows, cols, kc, beta);
                        }
                        if (!last) Volatile.Write(ref team.ItemStep[item], s + 1);
                        Interlocked.Increment(ref team.ItemsDone[s]);
                    }
                }
            }
            catch (Exception e)
            {
                team.Fail(e);
            }
        });
        team.ThrowIfFailed();
    }

    /// <summary>
    /// The item and piece of the last step's <paramref name="claim"/>-th claim. Claims go round the items of a group
    /// of <paramref name="threads"/> items, one piece each, then round again for the next pieces: workers that claim
    /// in turn each keep to one item, i.e. one row block, and so to their packed A block. Items are row-block major.
    /// </summary>
    private static (int Item, int Piece) LastStepPiece(int claim, int items, int pieces, int threads)
    {
        int group = claim / (threads * pieces), first = group * threads, lanes = Math.Min(threads, items - first);
        int within = claim - group * threads * pieces;
        return (first + within % lanes, within / lanes);
    }

    /// <summary>Progress counters shared by a <see cref="Team{T}"/> call's workers, and its failure flag.</summary>
    private sealed class TeamState(int steps, int items)
    {
        public readonly int[] ChunksClaimed = new int[steps], ChunksPacked = new int[steps];
        public readonly int[] ItemsClaimed = new int[steps], ItemsDone = new int[steps];

        /// <summary>Per item: how many steps of it have finished (steps run in order per item).</summary>
        public readonly int[] ItemStep = new int[items];

        private int failed;
        private Exception? error;

        public bool Failed => Volatile.Read(ref failed) != 0;

        public void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref error, e, null);
            Volatile.Write(ref failed, 1);
        }

        /// <summary>
        /// Waits until <paramref name="counter"/> reaches <paramref name="target"/> (true) or a worker failed (false).
        /// Only called for work already claimed by a running worker, so it ends. Spins, then yields the core
        /// (never sleeps: the awaited work is usually microseconds away).
        /// </summary>
        public bool WaitFor(ref int counter, int target)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref counter) < target)
            {
                if (Failed) return false;
                spin.SpinOnce(sleep1Threshold: -1);
            }
            return true;
        }

        public void ThrowIfFailed()
        {
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(0 … threads − 1) on the thread pool and the calling thread; an exception from a
    /// body reaches the caller as itself (the first one), not wrapped in an <see cref="AggregateException"/>.
    /// </summary>
    private static void RunWorkers(int threads, Action<int> body)
    {
        try
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }
}
