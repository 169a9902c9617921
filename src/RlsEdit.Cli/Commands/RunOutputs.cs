using RlsEdit.Editing;

namespace RlsEdit.Cli.Commands;

/// <summary>Writes a finished run's plots and Markdown report next to its summary.</summary>
internal static class RunOutputs
{
    public static void Write(string directory, IReadOnlyList<RunSummary> runs, string command)
    {
        var images = RunPlots.Write(directory, runs);
        File.WriteAllText(Path.Combine(directory, "report.md"), RunReport.Markdown(runs, command, images));
    }
}
