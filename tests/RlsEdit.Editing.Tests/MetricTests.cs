using Xunit;

namespace RlsEdit.Editing.Tests;

public sealed class MetricTests
{
    [Fact]
    public void SuccessAndMagnitudeFollowTheReferenceDefinitions()
    {
        // NLLs chosen so the probabilities are easy: exp(−ln 2) = 1/2, exp(−ln 4) = 1/4.
        double l2 = Math.Log(2), l4 = Math.Log(4);
        TargetNlls[] prompts = [new(l2, l4), new(l4, l2), new(l2, l4), new(l2, l2)];
        Assert.Equal(0.5, CounterFactMetrics.RewriteSuccess(prompts), 12);               // strict > on 2 of 4
        Assert.Equal((0.25 - 0.25 + 0.25 + 0) / 4, CounterFactMetrics.RewriteMagnitude(prompts), 12);
        Assert.Equal(0.25, CounterFactMetrics.NeighbourhoodSuccess(prompts), 12);         // strict < on 1 of 4
        Assert.Equal((-0.25 + 0.25 - 0.25 + 0) / 4, CounterFactMetrics.NeighbourhoodMagnitude(prompts), 12);
        Assert.True(double.IsNaN(CounterFactMetrics.RewriteSuccess([])));
    }

    [Fact]
    public void ScoreIsTheHarmonicMean()
    {
        Assert.Equal(3 / (1 / 0.9 + 1 / 0.6 + 1 / 0.3), CounterFactMetrics.Score(0.9, 0.6, 0.3), 12);
        Assert.Equal(0.5, CounterFactMetrics.Score(0.5, 0.5, 0.5), 12);
        Assert.Equal(0, CounterFactMetrics.Score(1, 1, 0));
    }

    [Fact]
    public void NGramEntropyMatchesAHandCount()
    {
        // "a b a b": bigrams ab, ba, ab → H₂ = −(2/3 log₂ 2/3 + 1/3 log₂ 1/3); trigrams aba, bab → H₃ = 1.
        double h2 = -(2.0 / 3 * Math.Log2(2.0 / 3) + 1.0 / 3 * Math.Log2(1.0 / 3));
        Assert.Equal((2.0 / 3 * h2 + 4.0 / 3 * 1) / 2, CounterFactMetrics.NGramEntropy("a b a b"), 12);
        // A single repeated word has one bigram and one trigram type: zero entropy.
        Assert.Equal(0, CounterFactMetrics.NGramEntropy("x x x x x"), 12);
        Assert.Equal(["It's", "a", "test", ",", "ok", "."], CounterFactMetrics.Words("It's a test, ok."));
    }

    [Fact]
    public void SummaryAveragesPerCaseThenOverCasesAndSkipsEmptyGroups()
    {
        static PromptGroupResult G(params (double New, double True)[] p) =>
            new(p.Select(x => new TargetNlls(x.New, x.True)).ToArray(), p.Select(x => x.New < x.True).ToArray(), p.Select(x => x.New < x.True ? 1.0 : 0.0).ToArray());
        var a = new CaseEvaluation(0, G((1, 2)), G((1, 2), (3, 2)), G((1, 2)), null, []);
        var b = new CaseEvaluation(1, G((3, 2)), G(), G((3, 2), (3, 2)), null, []);
        var s = EvaluationSummary.From([a, b]);
        Assert.Equal(50, s.RewriteSuccess, 12);            // (1 + 0) / 2
        Assert.Equal(50, s.ParaphraseSuccess, 12);         // case b has none: mean over case a only = 1/2
        Assert.Equal(50, s.NeighborhoodSuccess, 12);       // a: 0, b: 1
        Assert.Equal(100 * CounterFactMetrics.Score(0.5, 0.5, 0.5), s.Score, 12);
        Assert.Equal(50, s.TokenAccuracy.Rewrite, 12);
        Assert.Null(s.NgramEntropy);
    }
}
