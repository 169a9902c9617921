namespace RlsEdit.World.Training;

/// <summary>
/// Every fact of a world scored once under each of its held-out and training phrasings (<see cref="FactEvaluator.Score"/>).
/// The totals of <see cref="Report"/> and the rows of <see cref="ByPhrasing"/> are views of the same answers, so a
/// report with its per-phrasing table costs one pass over the prompts.
/// </summary>
public sealed class WorldScore
{
    private readonly bool[] _heldOut;
    private readonly bool[] _training;

    internal WorldScore(FactWorld world, bool[] heldOutCorrect, bool[] trainingCorrect)
    {
        World = world;
        _heldOut = heldOutCorrect;
        _training = trainingCorrect;
    }

    /// <summary>The world scored.</summary>
    public FactWorld World { get; }

    /// <summary>Whether each prompt of <see cref="FactEvaluator.HeldOutPrompts"/> was answered with its object, in that order.</summary>
    public IReadOnlyList<bool> HeldOutCorrect => _heldOut;

    /// <summary>Whether each prompt of <see cref="FactEvaluator.TrainingPrompts"/> was answered with its object, in that order.</summary>
    public IReadOnlyList<bool> TrainingCorrect => _training;

    /// <summary>The totals: all held-out prompts, every <paramref name="stride"/>-th of them, and the training phrasings.</summary>
    public FactAccuracyReport Report(int stride = FactAccuracyReport.DefaultStride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var subset = _heldOut.Where((_, i) => i % stride == 0).ToArray();
        return new FactAccuracyReport(World.Seed, _heldOut.Length, Mean(_heldOut), stride, subset.Length, Mean(subset), Mean(_training));
    }

    /// <summary>
    /// Accuracy per (relation, phrasing): every relation's training phrasings, then its held-out ones, in the order of
    /// <see cref="Relations.All"/>. Where a held-out score is low, this says which sentence shape fails.
    /// </summary>
    public IReadOnlyList<PhrasingAccuracy> ByPhrasing()
    {
        var held = Tally(_heldOut, r => r.HeldOutTemplates);
        var trained = Tally(_training, r => r.TrainingTemplates);
        PhrasingAccuracy Row(Relation r, string template, bool heldOut)
        {
            var (prompts, correct) = (heldOut ? held : trained).GetValueOrDefault((r.Id, template));
            return new PhrasingAccuracy(r.Id, template, heldOut, prompts, prompts == 0 ? double.NaN : (double)correct / prompts);
        }
        return Relations.All.SelectMany(r => r.TrainingTemplates.Select(t => Row(r, t, heldOut: false))
            .Concat(r.HeldOutTemplates.Select(t => Row(r, t, heldOut: true)))).ToList();
    }

    // Walks the facts in the order FactEvaluator builds its prompt lists (fact-major, then the relation's phrasings).
    private Dictionary<(string Relation, string Template), (int Prompts, int Correct)> Tally(bool[] answers, Func<Relation, IReadOnlyList<string>> templates)
    {
        var tally = new Dictionary<(string, string), (int, int)>();
        int i = 0;
        foreach (var fact in World.Facts)
            foreach (string template in templates(fact.Relation))
            {
                var (prompts, correct) = tally.GetValueOrDefault((fact.Relation.Id, template));
                tally[(fact.Relation.Id, template)] = (prompts + 1, correct + (answers[i++] ? 1 : 0));
            }
        if (i != answers.Length) throw new InvalidOperationException($"WorldScore: {answers.Length} answers for {i} prompts.");
        return tally;
    }

    private static double Mean(bool[] answers) => answers.Length == 0 ? double.NaN : (double)answers.Count(a => a) / answers.Length;
}
