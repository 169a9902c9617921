using System.Text.RegularExpressions;

namespace RlsEdit.World;

/// <summary>
/// The fixed English side of every world: filler sentences (text that states no fact, for general ability and
/// perplexity) and the word inventory of all phrasings.
/// </summary>
public static partial class WorldText
{
    /// <summary>Filler sentence templates; <c>{city}</c>, <c>{country}</c>, <c>{person}</c>, <c>{company}</c> are filled with random entities.</summary>
    public static readonly IReadOnlyList<string> FillerTemplates =
    [
        "The weather in {city} was mild last spring.",
        "Many visitors come to {city} in the summer.",
        "The river near {city} is wide and slow.",
        "Trade between {country} and {country} grew last year.",
        "The market in {city} sells fruit and fish.",
        "{person} likes long walks in the evenings.",
        "A new road now links {city} and {city}.",
        "The old bridge of {city} is made of stone.",
        "Children in {city} go to school early.",
        "The people of {country} enjoy music and long meals.",
        "{company} opened a new office last year.",
        "{person} met {person} at a market in {city}.",
        "In the summer, the streets of {city} are busy.",
        "The trains from {city} to {city} are slow but cheap.",
        "{person} wrote a letter to a friend in {city}.",
        "Snow fell on the hills of {country} in the winter.",
    ];

    /// <summary>GPT-2's pre-tokenisation pattern; the world tokenizer splits text the same way.</summary>
    public const string PreTokenPattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    [GeneratedRegex(PreTokenPattern)]
    internal static partial Regex PreTokenRegex();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordRegex();

    /// <summary>Every English word (letters only) in the relation phrasings, filler and object word lists.</summary>
    public static IReadOnlySet<string> EnglishWords()
    {
        var texts = Relations.All.SelectMany(r => r.TrainingTemplates.Concat(r.HeldOutTemplates))
            .Concat(FillerTemplates.Select(t => Regex.Replace(t, @"\{\w+\}", " ")))
            .Concat(FactWorld.InstrumentWords).Concat(FactWorld.ProfessionWords).Concat(FactWorld.IndustryWords);
        return texts.SelectMany(t => WordRegex().Matches(t).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The words of <paramref name="text"/> as GPT-2 pre-tokens (e.g. <c>"Kalo"</c>, <c>" is"</c>, <c>"'s"</c>, <c>"."</c>).</summary>
    public static IEnumerable<string> PreTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PreTokenRegex().Matches(text).Select(m => m.Value);
    }
}
