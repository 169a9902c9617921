using System.Numerics;
using RlsEdit.Tensors.Kernels;

namespace RlsEdit.Tensors.Tests;

/// <summary>Option sets that push small problems through every blocking edge, each kernel and both threading paths.</summary>
internal static class Level3Cases
{
    /// <summary>
    /// Public defaults, then tiny blocks (MC = 2·MR, KC = 5, NC = 2·NR) for each kernel: serial with the BLIS
    /// macro-kernel order, and on 2 threads with the row-strip order.
    /// </summary>
    public static IEnumerable<(string Name, GemmOptions<T>? Options)> Options<T>() where T : unmanaged
    {
        yield return ("public defaults", null);
        foreach (var kernel in KernelSelection.All<T>())
        {
            var tiny = GemmOptions<T>.Default.With(kernel) with
            {
                Mc = 2 * kernel.Mr, Kc = 5, Nc = 2 * kernel.Nr, ReferenceBelowFlops = 0, ParallelFromFlops = 0,
            };
            yield return ($"{kernel.Name}, tiny blocks, serial, BLIS order", tiny with { MaxThreads = 1, RowOrderPanelBytes = 0, RowOrderMaxKc = 0 });
            yield return ($"{kernel.Name}, tiny blocks, 2 threads, row order", tiny with { MaxThreads = 2 });
        }
    }

    public static readonly (double Alpha, double Beta)[] Scalars = [(1, 0), (-1.5, 0), (1, 1), (0.5, -0.25)];

    public static readonly Layout[] Layouts = Enum.GetValues<Layout>();

    public static string Describe<T>(string options, int m, int n, int k, Layout la, Layout lb, Layout lc, double alpha, double beta) =>
        $"{typeof(T).Name} {m}×{n}×{k} A:{la} B:{lb} C:{lc} α={alpha} β={beta} [{options}]";

    public static T Cast<T>(double x) where T : IFloatingPointIeee754<T> => T.CreateTruncating(x);
}
