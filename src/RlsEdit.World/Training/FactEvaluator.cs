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
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("FactEvaluator.Accuracy: no prompts to evaluate.", nameof(prompts));
        int correct = 0;
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            var chunk = prompts.Skip(start).Take(batchSize).ToList();
            var batch = TokenBatch.LeftPadded(chunk.Select(p => (IReadOnlyList<int>)tokenizer.Encode(p.Prompt)).ToList(), 0);
            var logits = model.Forward(batch).Logits.View;
            for (int b = 0; b < chunk.Count; b++)
                if (Generation.ArgMax<float>(logits.RowSpan(batch.LastRow(b))) == tokenizer.Id(" " + chunk[b].Target)) correct++;
        }
        return (double)correct / prompts.Count;
    }

    /// <summary>
    /// Accuracy per (relation, phrasing): every relation's training phrasings, then its held-out ones, in the
    /// order of <see cref="Relations.All"/>. Where a held-out score is low, this says which sentence shape fails.
    /// </summary>
    public static IReadOnlyList<PhrasingAccuracy> ByPhrasing(TransformerModel<float> model, WorldTokenizer tokenizer, FactWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var rows = new List<PhrasingAccuracy>();
        foreach (var relation in world.Facts.Select(f => f.Relation).Distinct())
        {
            var facts = world.Facts.Where(f => f.Relation == relation).ToList();
            var phrasings = relation.TrainingTemplates.Select(t => (t, false)).Concat(relation.HeldOutTemplates.Select(t => (t, true)));
            foreach (var (template, heldOut) in phrasings)
            {
                var prompts = facts.Select(f => new FactPrompt(Relation.Fill(template, f.Subject), f.Subject, relation.Id, f.Object)).ToList();
                rows.Add(new PhrasingAccuracy(relation.Id, template, heldOut, prompts.Count, Accuracy(model, tokenizer, prompts)));
            }
        }
        return rows;
    }

    /// <summary>A deterministic subset of <paramref name="prompts"/>: every <paramref name="stride"/>-th one.</summary>
    public static IReadOnlyList<FactPrompt> Subset(IReadOnlyList<FactPrompt> prompts, int stride)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        return prompts.Where((_, i) => i % stride == 0).ToList();
    }
}
