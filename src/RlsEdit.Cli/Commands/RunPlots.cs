using RlsEdit.Editing;

namespace RlsEdit.Cli.Commands;

/// <summary>PNG plots of efficacy and retention against the number of edits, one line per editor (ScottPlot).</summary>
internal static class RunPlots
{
    /// <summary>Writes <c>efficacy.png</c> and <c>retention.png</c>; returns their file names.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<RunSummary> runs)
    {
        var written = new List<string>();
        Plot(directory, "efficacy.png", "Efficacy over all edits so far", "efficacy success (%)", runs, p => p.Efficacy, written);
        Plot(directory, "retention.png", "Retention of the first edits", "exact-match accuracy (%)", runs, p => p.RetentionRewriteCorrect, written);
        return written;
    }

    private static void Plot(string directory, string file, string title, string yLabel, IReadOnlyList<RunSummary> runs, Func<StreamPoint, double> y, List<string> written)
    {
        if (runs.All(r => r.Stream.Count == 0)) return;
        var plot = new ScottPlot.Plot();
        foreach (var r in runs)
        {
            if (r.Stream.Count == 0) continue;
            var line = plot.Add.Scatter(r.Stream.Select(p => (double)p.Edits).ToArray(), r.Stream.Select(y).ToArray());
            line.LegendText = r.Editor;
        }
        plot.Title(title);
        plot.XLabel("number of edits");
        plot.YLabel(yLabel);
        plot.Axes.SetLimitsY(0, 105);
        plot.ShowLegend();
        plot.SavePng(Path.Combine(directory, file), 640, 420);
        written.Add(file);
    }
}
