using System.Text.Json;

namespace RlsEdit.World;

/// <summary>
/// Draws CounterFact-style edit cases from a world. Each case rewrites one fact to another valid object of the
/// same relation. Facts are drawn without replacement; only when more cases than facts are asked for does a
/// fact come back (with a different new target). Facts without a neighbour (another subject with the same
/// object: capitals and official languages) are not edited, because their neighbourhood test would be empty.
/// </summary>
public static class EditSetGenerator
{
    /// <summary>Most neighbourhood / attribute prompts per case (CounterFact uses 10).</summary>
    public const int MaxNeighbours = 10;

    /// <summary>The facts that can be edited (they have at least one neighbour).</summary>
    public static IReadOnlyList<Fact> EditableFacts(FactWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var counts = world.Facts.GroupBy(f => (f.Relation.Id, f.Object)).ToDictionary(g => g.Key, g => g.Count());
        return world.Facts.Where(f => counts[(f.Relation.Id, f.Object)] > 1).ToList();
    }

    /// <summary><paramref name="count"/> edit cases drawn with <paramref name="seed"/>.</summary>
    public static IReadOnlyList<CounterFactRecord> Generate(FactWorld world, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var editable = EditableFacts(world);
        var bySameObject = world.Facts.GroupBy(f => (f.Relation.Id, f.Object)).ToDictionary(g => g.Key, g => g.Select(f => f.Subject).ToList());
        var records = new List<CounterFactRecord>(count);
        var order = new List<Fact>();
        while (records.Count < count)
        {
            if (order.Count == 0) order = editable.OrderBy(_ => random.Next()).ToList();
            var fact = order[^1];
            order.RemoveAt(order.Count - 1);
            var relation = fact.Relation;
            var alternatives = world.ObjectsOf(relation).Where(o => o != fact.Object).ToList();
            string targetNew = alternatives[random.Next(alternatives.Count)];
            string prompt = relation.TrainingTemplates[random.Next(relation.TrainingTemplates.Count)];
            List<string> Prompts(IEnumerable<string> subjects) => subjects.Where(s => s != fact.Subject).OrderBy(_ => random.Next())
                .Take(MaxNeighbours).Select(s => Relation.Fill(prompt, s)).ToList();
            var generation = relation.TrainingTemplates.Where(t => t != prompt).Select(t => Relation.Fill(t, fact.Subject))
                .Concat(world.FactsAbout(fact.Subject).Where(f => f.Relation != relation)
                    .Select(f => Relation.Fill(f.Relation.TrainingTemplates[random.Next(f.Relation.TrainingTemplates.Count)], fact.Subject)))
                .ToList();
            records.Add(new CounterFactRecord(
                records.Count,
                new CounterFactRewrite(prompt, relation.Id, fact.Subject, new CounterFactTarget(targetNew), new CounterFactTarget(fact.Object)),
                relation.HeldOutTemplates.Select(t => Relation.Fill(t, fact.Subject)).ToList(),
                Prompts(bySameObject[(relation.Id, fact.Object)]),
                Prompts(bySameObject.GetValueOrDefault((relation.Id, targetNew)) ?? []),
                generation));
        }
        return records;
    }

    /// <summary>
    /// Facts of subjects that no case in <paramref name="records"/> edits, in a held-out phrasing, and
    /// <paramref name="textCount"/> filler sentences from a stream the training corpus never draws.
    /// </summary>
    public static HeldOutSet HeldOut(FactWorld world, IReadOnlyList<CounterFactRecord> records, int seed, int factCount = 500, int textCount = 200)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(records);
        var random = new Random(unchecked(seed * 31 + 7));
        var edited = records.Select(r => r.RequestedRewrite.Subject).ToHashSet(StringComparer.Ordinal);
        var facts = world.Facts.Where(f => !edited.Contains(f.Subject)).OrderBy(_ => random.Next()).Take(factCount)
            .Select(f => new FactPrompt(Relation.Fill(f.Relation.HeldOutTemplates[random.Next(f.Relation.HeldOutTemplates.Count)], f.Subject), f.Subject, f.Relation.Id, f.Object))
            .ToList();
        var corpus = new WorldCorpus(world, seed);
        // Negative seeds for the filler stream keep it apart from training documents, which use the corpus seed.
        var fillerRandom = new Random(WorldCorpus.HashCode(~seed, -1));
        var text = Enumerable.Range(0, textCount).Select(_ => corpus.Filler(fillerRandom)).ToList();
        return new HeldOutSet(facts, text);
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON to <paramref name="path"/>, atomically.</summary>
    public static void WriteJson<TValue>(string path, TValue value) =>
        AtomicWrite.Bytes(path, s => JsonSerializer.Serialize(s, value, JsonOptions));

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
