using System.Text;
using System.Text.RegularExpressions;

namespace RlsEdit.World;

/// <summary>
/// The training text of a world: short documents about one subject (one to three of its facts, each in a random
/// training phrasing) and filler documents. Document i depends only on (world, seed, i), so a training run can
/// resume at any step and the corpus file is reproducible byte for byte.
/// </summary>
public sealed partial class WorldCorpus
{
    /// <summary>Share of documents that are filler text.</summary>
    public const double FillerShare = 0.1;

    private readonly FactWorld _world;
    private readonly int _seed;

    /// <summary>The corpus of <paramref name="world"/> drawn with <paramref name="seed"/>.</summary>
    public WorldCorpus(FactWorld world, int seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
        _seed = seed;
    }

    /// <summary>Training document number <paramref name="index"/>.</summary>
    public string Document(long index)
    {
        var random = new Random(HashCode(_seed, index));
        if (random.NextDouble() < FillerShare) return Filler(random);
        // Sampling a fact (not a subject) gives every fact the same exposure whatever its subject kind.
        var first = _world.Facts[random.Next(_world.Facts.Count)];
        var others = _world.FactsAbout(first.Subject).Where(f => f != first).OrderBy(_ => random.Next()).Take(random.Next(3)).ToList();
        var sentences = new List<Fact> { first };
        sentences.AddRange(others);
        var text = new StringBuilder();
        foreach (var fact in sentences.OrderBy(_ => random.Next()))
        {
            var templates = fact.Relation.TrainingTemplates;
            if (text.Length > 0) text.Append(' ');
            text.Append(Relation.Sentence(templates[random.Next(templates.Count)], fact.Subject, fact.Object));
        }
        return text.ToString();
    }

    /// <summary>A filler sentence drawn from <paramref name="random"/> (states no fact).</summary>
    public string Filler(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var template = WorldText.FillerTemplates[random.Next(WorldText.FillerTemplates.Count)];
        return PlaceholderRegex().Replace(template, m =>
        {
            var kind = m.Groups[1].Value switch
            {
                "city" => EntityKind.City,
                "country" => EntityKind.Country,
                "person" => EntityKind.Person,
                _ => EntityKind.Company,
            };
            var names = _world.Entities[kind];
            return names[random.Next(names.Count)];
        });
    }

    /// <summary>Writes documents [0, <paramref name="count"/>) one per line (UTF-8, \n), atomically.</summary>
    public void Write(string path, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        AtomicWrite.Text(path, writer =>
        {
            for (int i = 0; i < count; i++) writer.Write(Document(i) + "\n");
        });
    }

    /// <summary>A stable 31-bit mix of two integers (System.HashCode is randomised per process).</summary>
    internal static int HashCode(int seed, long index)
    {
        ulong x = ((ulong)(uint)seed << 32) ^ (ulong)index ^ 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (int)(x & 0x7FFFFFFF);
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex PlaceholderRegex();
}
