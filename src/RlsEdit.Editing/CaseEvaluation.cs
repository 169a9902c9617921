using System.Text.Json.Serialization;

namespace RlsEdit.Editing;

/// <summary>One prompt group of a case after evaluation, in the reference's per-case layout.</summary>
/// <param name="Probs">Mean per-token NLL of each target per prompt (the reference's <c>*_prompts_probs</c>).</param>
/// <param name="Correct">Whether every token of the expected target is the argmax (the reference's <c>*_prompts_correct</c>): target_new for rewrite/paraphrase prompts, target_true for neighbours.</param>
/// <param name="TokenAccuracy">EasyEdit-style teacher-forced token accuracy of the expected target per prompt.</param>
public sealed record PromptGroupResult(
    [property: JsonPropertyName("probs")] IReadOnlyList<TargetNlls> Probs,
    [property: JsonPropertyName("correct")] IReadOnlyList<bool> Correct,
    [property: JsonPropertyName("token_acc")] IReadOnlyList<double> TokenAccuracy);

/// <summary>Everything measured on one edit case at one point of a run.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Rewrite">The rewrite prompt.</param>
/// <param name="Paraphrase">The paraphrase prompts.</param>
/// <param name="Neighborhood">The neighbourhood prompts.</param>
/// <param name="NgramEntropy">Fluency of the generations (null when not generated).</param>
/// <param name="Text">The generations (empty when not generated).</param>
public sealed record CaseEvaluation(
    [property: JsonPropertyName("case_id")] int CaseId,
    [property: JsonPropertyName("rewrite")] PromptGroupResult Rewrite,
    [property: JsonPropertyName("paraphrase")] PromptGroupResult Paraphrase,
    [property: JsonPropertyName("neighborhood")] PromptGroupResult Neighborhood,
    [property: JsonPropertyName("ngram_entropy")] double? NgramEntropy,
    [property: JsonPropertyName("text")] IReadOnlyList<string> Text)
{
    /// <summary>Efficacy success of this case.</summary>
    [JsonIgnore] public double RewriteSuccess => CounterFactMetrics.RewriteSuccess(Rewrite.Probs);
    /// <summary>Paraphrase success of this case (NaN without paraphrases).</summary>
    [JsonIgnore] public double ParaphraseSuccess => CounterFactMetrics.RewriteSuccess(Paraphrase.Probs);
    /// <summary>Neighbourhood success of this case (NaN without neighbours).</summary>
    [JsonIgnore] public double NeighborhoodSuccess => CounterFactMetrics.NeighbourhoodSuccess(Neighborhood.Probs);
}

/// <summary>
/// Run-level metrics, each the mean over cases of the per-case mean, ×100 (<c>summarize.py</c>); cases without prompts of a
/// group are left out of that group's mean. Token accuracies (EasyEdit-style) are reported apart: they are not comparable
/// with the success rates.
/// </summary>
public sealed record EvaluationSummary
{
    /// <summary>Number of cases.</summary>
    [JsonPropertyName("num_cases")] public int Cases { get; init; }
    /// <summary>Efficacy success ES.</summary>
    [JsonPropertyName("rewrite_success")] public double RewriteSuccess { get; init; }
    /// <summary>Efficacy magnitude EM.</summary>
    [JsonPropertyName("rewrite_diff")] public double RewriteDiff { get; init; }
    /// <summary>Paraphrase success PS.</summary>
    [JsonPropertyName("paraphrase_success")] public double ParaphraseSuccess { get; init; }
    /// <summary>Paraphrase magnitude PM.</summary>
    [JsonPropertyName("paraphrase_diff")] public double ParaphraseDiff { get; init; }
    /// <summary>Neighbourhood success NS.</summary>
    [JsonPropertyName("neighborhood_success")] public double NeighborhoodSuccess { get; init; }
    /// <summary>Neighbourhood magnitude NM.</summary>
    [JsonPropertyName("neighborhood_diff")] public double NeighborhoodDiff { get; init; }
    /// <summary>Score S = hmean(ES, PS, NS).</summary>
    [JsonPropertyName("score")] public double Score { get; init; }
    /// <summary>Fluency GE (mean n-gram entropy ×100), null when no generations were made.</summary>
    [JsonPropertyName("ngram_entropy")] public double? NgramEntropy { get; init; }
    /// <summary>Exact-match accuracy of target_new on the rewrite prompt (the forgetting analysis' measure).</summary>
    [JsonPropertyName("rewrite_correct")] public double RewriteCorrect { get; init; }
    /// <summary>Exact-match accuracy of target_new on paraphrases.</summary>
    [JsonPropertyName("paraphrase_correct")] public double ParaphraseCorrect { get; init; }
    /// <summary>Exact-match accuracy of target_true on neighbours.</summary>
    [JsonPropertyName("neighborhood_correct")] public double NeighborhoodCorrect { get; init; }
    /// <summary>EasyEdit-style teacher-forced token accuracies (rewrite, rephrase, locality).</summary>
    [JsonPropertyName("easyedit_token_accuracy")] public TokenAccuracySummary TokenAccuracy { get; init; } = new(0, 0, 0);

    /// <summary>Aggregates <paramref name="cases"/>.</summary>
    public static EvaluationSummary From(IReadOnlyList<CaseEvaluation> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        double es = MeanOf(cases, c => c.RewriteSuccess), ps = MeanOf(cases, c => c.ParaphraseSuccess), ns = MeanOf(cases, c => c.NeighborhoodSuccess);
        var fluency = cases.Where(c => c.NgramEntropy is not null).Select(c => c.NgramEntropy!.Value).ToArray();
        return new EvaluationSummary
        {
            Cases = cases.Count,
            RewriteSuccess = es,
            RewriteDiff = MeanOf(cases, c => CounterFactMetrics.RewriteMagnitude(c.Rewrite.Probs)),
            ParaphraseSuccess = ps,
            ParaphraseDiff = MeanOf(cases, c => CounterFactMetrics.RewriteMagnitude(c.Paraphrase.Probs)),
            NeighborhoodSuccess = ns,
            NeighborhoodDiff = MeanOf(cases, c => CounterFactMetrics.NeighbourhoodMagnitude(c.Neighborhood.Probs)),
            Score = CounterFactMetrics.Score(es, ps, ns),
            NgramEntropy = fluency.Length == 0 ? null : 100 * fluency.Average(),
            RewriteCorrect = MeanOf(cases, c => MeanBool(c.Rewrite.Correct)),
            ParaphraseCorrect = MeanOf(cases, c => MeanBool(c.Paraphrase.Correct)),
            NeighborhoodCorrect = MeanOf(cases, c => MeanBool(c.Neighborhood.Correct)),
            TokenAccuracy = new TokenAccuracySummary(
                MeanOf(cases, c => MeanDouble(c.Rewrite.TokenAccuracy)),
                MeanOf(cases, c => MeanDouble(c.Paraphrase.TokenAccuracy)),
                MeanOf(cases, c => MeanDouble(c.Neighborhood.TokenAccuracy))),
        };
    }

    private static double MeanBool(IReadOnlyList<bool> xs) => xs.Count == 0 ? double.NaN : xs.Average(b => b ? 1.0 : 0.0);
    private static double MeanDouble(IReadOnlyList<double> xs) => xs.Count == 0 ? double.NaN : xs.Average();

    // ×100 mean over the cases whose value is defined; NaN when none is.
    private static double MeanOf(IReadOnlyList<CaseEvaluation> cases, Func<CaseEvaluation, double> f)
    {
        var xs = cases.Select(f).Where(x => !double.IsNaN(x)).ToArray();
        return xs.Length == 0 ? double.NaN : 100 * xs.Average();
    }
}

/// <summary>EasyEdit-style token accuracies ×100.</summary>
/// <param name="Rewrite">On the rewrite prompt (EasyEdit's <c>rewrite_acc</c>).</param>
/// <param name="Rephrase">On paraphrases (<c>rephrase_acc</c>).</param>
/// <param name="Locality">On neighbours, for the true target (<c>locality_acc</c>).</param>
public sealed record TokenAccuracySummary(
    [property: JsonPropertyName("rewrite_acc")] double Rewrite,
    [property: JsonPropertyName("rephrase_acc")] double Rephrase,
    [property: JsonPropertyName("locality_acc")] double Locality);
