using System.Text.Json.Serialization;

namespace RlsEdit.Editing;

/// <summary>
/// MEMIT's ZsRE metrics ×100 (<c>{rewrite,paraphrase,neighborhood}_acc</c>): teacher-forced argmax accuracy over the
/// tokens of the new answer on the question and its paraphrase, and of <c>loc_ans</c> on the neighbourhood prompt.
/// On cases read by <see cref="ZsreCases"/> these are the evaluator's token accuracies, under their ZsRE names.
/// </summary>
/// <param name="RewriteAccuracy">Efficacy: accuracy of the new answer's tokens after the edited question.</param>
/// <param name="ParaphraseAccuracy">Generalisation: the same after the paraphrase.</param>
/// <param name="NeighborhoodAccuracy">Specificity: accuracy of <c>loc_ans</c>'s tokens after the neighbourhood prompt.</param>
public sealed record ZsreMetrics(
    [property: JsonPropertyName("rewrite_acc")] double RewriteAccuracy,
    [property: JsonPropertyName("paraphrase_acc")] double ParaphraseAccuracy,
    [property: JsonPropertyName("neighborhood_acc")] double NeighborhoodAccuracy)
{
    /// <summary>The ZsRE metrics of an evaluation of ZsRE cases.</summary>
    public static ZsreMetrics From(EvaluationSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var t = summary.TokenAccuracy;
        return new ZsreMetrics(t.Rewrite, t.Rephrase, t.Locality);
    }

    /// <summary>Writes <c>zsre_summary.json</c> (pre and post ZsRE metrics of a run) into <paramref name="runDirectory"/>, atomically.</summary>
    public static void Write(string runDirectory, RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        EditJson.Write(Path.Combine(runDirectory, FileName), new Dictionary<string, ZsreMetrics> { ["pre"] = From(run.Pre), ["post"] = From(run.Post) });
    }

    /// <summary>The file <see cref="Write"/> writes.</summary>
    public const string FileName = "zsre_summary.json";
}
