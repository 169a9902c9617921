namespace RlsEdit.World;

/// <summary>
/// Pronounceable invented names built from consonant–vowel syllables, unique across a world and never equal
/// (case-insensitively) to a reserved English word.
/// </summary>
internal sealed class NameGenerator(Random random, IEnumerable<string> reserved)
{
    private static readonly string[] Onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "tr", "st", "th", "sh"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "a", "e", "o", "ia", "ae"];
    private static readonly string[] Codas = ["", "", "", "n", "r", "l", "s", "m"];

    private readonly HashSet<string> _used = new(reserved, StringComparer.OrdinalIgnoreCase);

    /// <summary>A fresh capitalised name of <paramref name="minSyllables"/>–<paramref name="maxSyllables"/> syllables, plus an optional suffix.</summary>
    public string Next(int minSyllables, int maxSyllables, string suffix = "")
    {
        for (int attempt = 0; attempt < 10_000; attempt++)
        {
            int syllables = random.Next(minSyllables, maxSyllables + 1);
            var name = new System.Text.StringBuilder();
            for (int s = 0; s < syllables; s++)
            {
                name.Append(Onsets[random.Next(Onsets.Length)]).Append(Vowels[random.Next(Vowels.Length)]);
                if (s == syllables - 1 || random.Next(3) == 0) name.Append(Codas[random.Next(Codas.Length)]);
            }
            name.Append(suffix);
            name[0] = char.ToUpperInvariant(name[0]);
            string result = name.ToString();
            if (result.Length <= 11 && _used.Add(result)) return result;
        }
        throw new InvalidOperationException("NameGenerator: could not find a fresh name in 10 000 attempts; the world asks for too many names.");
    }
}
