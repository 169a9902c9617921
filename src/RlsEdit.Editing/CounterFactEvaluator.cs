using RlsEdit.Models;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>Evaluates edit cases on a model: the reference's CounterFact probabilities, exact matches, token accuracies, fluency.</summary>
public static class CounterFactEvaluator
{
    /// <summary>The longest text (prompt + generation) fluency generates, as the reference's <c>max_out_len</c>.</summary>
    public const int GenerationLength = 100;

    /// <summary>
    /// Evaluates every case; generations (fluency) are made for the first <paramref name="fluencyCases"/> cases only
    /// (greedy, up to <see cref="GenerationLength"/> tokens or the model's context).
    /// </summary>
    public static IReadOnlyList<CaseEvaluation> Evaluate(TransformerModel<float> model, PromptEncoder encoder, IReadOnlyList<CounterFactRecord> cases, int fluencyCases = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(cases);
        // Queries in order: per case, per prompt of each group, (new, true).
        var queries = new List<(int[] Prompt, int[] Continuation)>();
        var layout = new List<(int Rewrite, int Paraphrase, int Neighborhood)>();
        foreach (var c in cases)
        {
            var rw = c.RequestedRewrite;
            int[] tNew = encoder.EncodeTarget(rw.TargetNew.Str), tTrue = encoder.EncodeTarget(rw.TargetTrue.Str);
            void Add(int[] prompt)
            {
                queries.Add((prompt, tNew));
                queries.Add((prompt, tTrue));
            }
            Add(encoder.EncodeWithSubject(rw.Prompt, rw.Subject).Ids);
            foreach (var p in c.ParaphrasePrompts ?? []) Add(encoder.EncodeMentioning(p, rw.Subject).Ids);
            foreach (var p in c.NeighborhoodPrompts ?? []) Add(encoder.Encode(p));
            layout.Add((1, c.ParaphrasePrompts?.Count ?? 0, c.NeighborhoodPrompts?.Count ?? 0));
        }
        var scores = TeacherForcing.Score(model, queries);
        var results = new List<CaseEvaluation>(cases.Count);
        int at = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            PromptGroupResult Group(int prompts, bool expectNew)
            {
                var probs = new List<TargetNlls>();
                var correct = new List<bool>();
                var acc = new List<double>();
                for (int p = 0; p < prompts; p++, at += 2)
                {
                    var (sNew, sTrue) = (scores[at], scores[at + 1]);
                    probs.Add(new TargetNlls(sNew.MeanNll, sTrue.MeanNll));
                    var expected = expectNew ? sNew : sTrue;
                    correct.Add(expected.AllCorrect);
                    acc.Add(expected.TokenAccuracy);
                }
                return new PromptGroupResult(probs, correct, acc);
            }
            var (r, pa, n) = layout[i];
            var rewrite = Group(r, true);
            var paraphrase = Group(pa, true);
            var neighbours = Group(n, false);
            IReadOnlyList<string> text = [];
            double? entropy = null;
            if (i < fluencyCases && cases[i].GenerationPrompts is { Count: > 0 } gens)
            {
                text = gens.Select(g => Generate(model, encoder, g)).ToArray();
                entropy = CounterFactMetrics.NGramEntropy(text);
            }
            results.Add(new CaseEvaluation(cases[i].CaseId, rewrite, paraphrase, neighbours, entropy, text));
        }
        return results;
    }

    private static string Generate(TransformerModel<float> model, PromptEncoder encoder, string prompt)
    {
        var ids = encoder.Encode(prompt);
        int room = Math.Min(GenerationLength, model.Config.MaxSequenceLength) - ids.Length;
        if (ids.Length == 0 || room <= 0) return prompt;
        var generated = Generation.Generate(model, ids, new GenerationOptions(room));
        return prompt + encoder.Decode(generated);
    }
}
