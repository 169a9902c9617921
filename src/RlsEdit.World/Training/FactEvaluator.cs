using RlsEdit.Models;

namespace RlsEdit.World.Training;

/// <summary>Top-1 accuracy of a model on fact prompts: the argmax next token after the prompt must be the object.</summary>
public static class FactEvaluator
{
    /// <summary>Every fact of <paramref name="world"/> under every held-out phrasing of its relation.</summary>
    public static IReadOnlyList<FactPrompt> HeldOutPrompts(FactWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.Facts.SelectMany(f => f.Relation.HeldOutTemplates.Select(t => new FactPrompt(Relation.Fill(t, f.Subject), f.Subject, f.Relation.Id, f.Object))).ToList();
    }

    /// <summary>Every fact under its training phrasings.</summary>
    public static IReadOnlyList<FactPrompt> TrainingPrompts(FactWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.Facts.SelectMany(f => f.Relation.TrainingTemplates.Select(t => new FactPrompt(Relation.Fill(t, f.Subject), f.Subject, f.Relation.Id, f.Object))).ToList();
    }

    /// <summary>Fraction of <paramref name="prompts"/> whose top-1 next token is <c>" " + target</c>.</summary>
    public static double Accuracy(TransformerModel<float> model, WorldTokenizer tokenizer, IReadOnlyList<FactPrompt> prompts, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("FactEvaluator.Accuracy: no prompts to evaluate.", nameof(prompts));
        return (double)Correct(model, tokenizer, prompts, batchSize).Count(c => c) / prompts.Count;
    }

    /// <summary>For each of <paramref name="prompts"/>, whether its top-1 next token is <c>" " + target</c>.</summary>
    public static bool[] Correct(TransformerModel<float> model, WorldTokenizer tokenizer, IReadOnlyList<FactPrompt> prompts, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var correct = new bool[prompts.Count];
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            var chunk = prompts.Skip(start).Take(batchSize).ToList();
            var batch = TokenBatch.LeftPadded(chunk.Select(p => (IReadOnlyList<int>)tokenizer.Encode(p.Prompt)).ToList(), 0);
            var logits = model.Forward(batch).Logits.View;
            for (int b = 0; b < chunk.Count; b++)
                correct[start + b] = Generation.ArgMax<float>(logits.RowSpan(batch.LastRow(b))) == tokenizer.Id(" " + chunk[b].Target);
        }
        return correct;
    }

    /// <summary>Scores every fact of <paramref name="world"/> once under each held-out and each training phrasing.</summary>
    public static WorldScore Score(TransformerModel<float> model, WorldTokenizer tokenizer, FactWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return new WorldScore(world, Correct(model, tokenizer, HeldOutPrompts(world)), Correct(model, tokenizer, TrainingPrompts(world)));
    }

    /// <summary>
    /// Accuracy per (relation, phrasing), as <see cref="WorldScore.ByPhrasing"/> (use <see cref="Score"/> for the totals
    /// as well, without scoring twice).
    /// </summary>
    public static IReadOnlyList<PhrasingAccuracy> ByPhrasing(TransformerModel<float> model, WorldTokenizer tokenizer, FactWorld world) =>
        Score(model, tokenizer, world).ByPhrasing();

    /// <summary>
    /// Accuracy of every fact of a relation under phrasings the world does not define (relation id → templates with
    /// one <c>{}</c>), e.g. paraphrases written to probe a model; they count as held out.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown relation id, or a template without exactly one <c>{}</c>.</exception>
    /// <exception cref="WorldTextException">A template uses a word outside the world's vocabulary.</exception>
    public static IReadOnlyList<PhrasingAccuracy> ForPhrasings(TransformerModel<float> model, WorldTokenizer tokenizer, FactWorld world,
        IReadOnlyDictionary<string, IReadOnlyList<string>> phrasings)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(phrasings);
        // Everything is checked before anything is measured, so a typo fails at once.
        var checkedPhrasings = new List<(Relation Relation, string Template)>();
        foreach (var (id, templates) in phrasings)
        {
            var relation = Relations.All.FirstOrDefault(r => r.Id == id)
                ?? throw new ArgumentException($"FactEvaluator.ForPhrasings: unknown relation '{id}' (expected one of {string.Join(", ", Relations.All.Select(r => r.Id))}).", nameof(phrasings));
            foreach (string template in templates)
            {
                if (template.Split("{}").Length != 2)
                    throw new ArgumentException($"FactEvaluator.ForPhrasings: phrasing '{template}' of '{id}' needs exactly one '{{}}' for the subject.", nameof(phrasings));
                tokenizer.Encode(Relation.Fill(template, world.Facts.First(f => f.Relation.Id == id).Subject));
                checkedPhrasings.Add((relation, template));
            }
        }
        return checkedPhrasings.Select(p => Measure(model, tokenizer, world, p.Relation, p.Template, heldOut: true)).ToList();
    }

    private static PhrasingAccuracy Measure(TransformerModel<float> model, WorldTokenizer tokenizer, FactWorld world, Relation relation, string template, bool heldOut)
    {
        var prompts = world.Facts.Where(f => f.Relation.Id == relation.Id)
            .Select(f => new FactPrompt(Relation.Fill(template, f.Subject), f.Subject, relation.Id, f.Object)).ToList();
        return new PhrasingAccuracy(relation.Id, template, heldOut, prompts.Count, Accuracy(model, tokenizer, prompts));
    }

    /// <summary>A deterministic subset of <paramref name="prompts"/>: every <paramref name="stride"/>-th one.</summary>
    public static IReadOnlyList<FactPrompt> Subset(IReadOnlyList<FactPrompt> prompts, int stride)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        return prompts.Where((_, i) => i % stride == 0).ToList();
    }
}
