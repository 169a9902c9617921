using System.Globalization;
using System.Text;

namespace RlsEdit.Editing;

/// <summary>The Markdown report of one or more finished runs (one column per editor).</summary>
public static class RunReport
{
    /// <summary>Renders <paramref name="runs"/> as Markdown; <paramref name="command"/> is quoted so the numbers can be reproduced.</summary>
    public static string Markdown(IReadOnlyList<RunSummary> runs, string command, IReadOnlyList<string>? images = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var sb = new StringBuilder();
        sb.AppendLine("# Edit run report").AppendLine();
        sb.AppendLine("```").AppendLine(command).AppendLine("```").AppendLine();
        if (runs.Count == 0) return sb.ToString();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{runs[0].Edits} edits, batch size {runs[0].BatchSize}. All numbers ×100 except perplexity and seconds.").AppendLine();
        sb.Append("| metric |");
        foreach (var r in runs) sb.Append(CultureInfo.InvariantCulture, $" {r.Editor} pre | {r.Editor} post |");
        sb.AppendLine();
        sb.Append("|---|");
        foreach (var _ in runs) sb.Append("---:|---:|");
        sb.AppendLine();
        void Row(string name, Func<EvaluationSummary, double?> f)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {name} |");
            foreach (var r in runs) sb.Append(CultureInfo.InvariantCulture, $" {F(f(r.Pre))} | {F(f(r.Post))} |");
            sb.AppendLine();
        }
        Row("efficacy success", s => s.RewriteSuccess);
        Row("efficacy magnitude", s => s.RewriteDiff);
        Row("paraphrase success", s => s.ParaphraseSuccess);
        Row("neighbourhood success", s => s.NeighborhoodSuccess);
        Row("score", s => s.Score);
        Row("fluency (n-gram entropy)", s => s.NgramEntropy);
        Row("rewrite exact match", s => s.RewriteCorrect);
        Row("EasyEdit rewrite token acc", s => s.TokenAccuracy.Rewrite);
        Row("EasyEdit locality token acc", s => s.TokenAccuracy.Locality);
        sb.Append("| held-out fact accuracy |");
        foreach (var r in runs) sb.Append(CultureInfo.InvariantCulture, $" {F(r.GeneralPre?.FactAccuracy)} | {F(r.GeneralPost?.FactAccuracy)} |");
        sb.AppendLine();
        sb.Append("| held-out perplexity |");
        foreach (var r in runs) sb.Append(CultureInfo.InvariantCulture, $" {F(r.GeneralPre?.Perplexity)} | {F(r.GeneralPost?.Perplexity)} |");
        sb.AppendLine();
        sb.Append("| retention of first edits (exact match, end) |");
        foreach (var r in runs) sb.Append(CultureInfo.InvariantCulture, $" | {F(r.Stream.Count > 0 ? r.Stream[^1].RetentionRewriteCorrect : null)} |");
        sb.AppendLine();
        sb.Append("| edit time (s) |");
        foreach (var r in runs) sb.Append(CultureInfo.InvariantCulture, $" | {F(r.EditSeconds)} |");
        sb.AppendLine().AppendLine();
        foreach (var r in runs)
        {
            if (r.Stream.Count == 0) continue;
            sb.AppendLine(CultureInfo.InvariantCulture, $"## {r.Editor}: during the stream").AppendLine();
            sb.AppendLine("| edits | efficacy | paraphrase | neighbourhood | retention (exact) | retention (success) | held-out facts |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var p in r.Stream)
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {p.Edits} | {F(p.Efficacy)} | {F(p.Paraphrase)} | {F(p.Neighborhood)} | {F(p.RetentionRewriteCorrect)} | {F(p.RetentionRewriteSuccess)} | {F(p.HeldOutFactAccuracy)} |");
            sb.AppendLine();
        }
        foreach (string image in images ?? []) sb.AppendLine(CultureInfo.InvariantCulture, $"![{Path.GetFileNameWithoutExtension(image)}]({image})").AppendLine();
        return sb.ToString();
    }

    private static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F1", CultureInfo.InvariantCulture) : "–";
}
