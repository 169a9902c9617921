using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>Where the texts for the key second moment come from.</summary>
public static class StatisticsCorpus
{
    /// <summary>
    /// The lines of <paramref name="textFile"/> when given; otherwise, for a fact-world model folder (with
    /// <c>world.json</c>), documents of its corpus generator; otherwise an error naming the option to use.
    /// </summary>
    /// <exception cref="EditInputException">No text source is available.</exception>
    public static IReadOnlyList<string> Load(string modelDirectory, string? textFile, int count)
    {
        if (textFile is not null)
        {
            if (!File.Exists(textFile)) throw new EditInputException("--stats-text", "an existing text file (one text per line)", $"'{textFile}' (not found)");
            return File.ReadLines(textFile).Where(l => l.Trim().Length > 0).Take(count).ToList();
        }
        string world = Path.Combine(modelDirectory, WorldFile.FileName);
        if (!File.Exists(world))
            throw new EditInputException("--stats-text", "a text file for the key statistics (the model folder has no world.json to generate them from)", "none");
        int seed = WorldFile.ReadSeed(world);
        var corpus = new WorldCorpus(FactWorld.Generate(seed), seed);
        // Documents far past any training step, so the statistics come from text the model was not fitted on.
        return Enumerable.Range(0, count).Select(i => corpus.Document(50_000_000L + i)).ToList();
    }
}
