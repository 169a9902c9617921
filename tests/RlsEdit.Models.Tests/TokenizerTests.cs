using System.Text.Json;
using Xunit;

namespace RlsEdit.Models.Tests;

public sealed class TokenizerTests
{
    // A byte-level vocabulary for "hello world": 'Ġ' is GPT-2's byte-level symbol for a space.
    private static readonly Dictionary<string, int> Vocab = new()
    {
        ["h"] = 0, ["e"] = 1, ["l"] = 2, ["o"] = 3, ["Ġ"] = 4, ["w"] = 5, ["r"] = 6, ["d"] = 7,
        ["he"] = 8, ["ll"] = 9, ["llo"] = 10, ["Ġw"] = 11, ["Ġwo"] = 12,
    };
    private static readonly string[] Merges = ["h e", "l l", "ll o", "Ġ w", "Ġw o"];

    // By hand: "hello" → h e l l o → (h e) → he l l o → (l l) → he ll o → (ll o) → he llo = [8, 10];
    // " world" → Ġ w o r l d → (Ġ w) → Ġw o r l d → (Ġw o) → Ġwo r l d = [12, 6, 2, 7].
    private static readonly int[] Expected = [8, 10, 12, 6, 2, 7];

    private static string TempDir() => Fixture.TempDirectory("tok");

    [Fact]
    public void VocabAndMergesEncodeByHand()
    {
        string dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "vocab.json"), JsonSerializer.Serialize(Vocab));
        File.WriteAllLines(Path.Combine(dir, "merges.txt"), ["#version: 0.2", .. Merges]);
        var tok = ModelTokenizer.Load(dir);
        Assert.Equal(Expected, tok.EncodeToIds("hello world"));
        Assert.Equal("hello world", tok.Decode(Expected));
    }

    [Fact]
    public void TokenizerJsonEncodesLikeVocabAndMerges()
    {
        string dir = TempDir();
        var json = new
        {
            version = "1.0",
            added_tokens = new[] { new { id = 13, content = "<|endoftext|>", special = true } },
            pre_tokenizer = new { type = "ByteLevel", add_prefix_space = false },
            model = new { type = "BPE", vocab = Vocab.Append(new("<|endoftext|>", 13)).ToDictionary(), merges = Merges.Select(m => m.Split(' ')).ToArray() },
        };
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), JsonSerializer.Serialize(json));
        var tok = ModelTokenizer.Load(dir);
        Assert.Equal(Expected, tok.EncodeToIds("hello world"));
        Assert.Equal([.. Expected, 13], tok.EncodeToIds("hello world<|endoftext|>"));
    }

    [Fact]
    public void Gpt2EncodingMatchesKnownIds()
    {
        var tok = ModelTokenizer.Gpt2();
        Assert.Equal([464, 3139, 286, 4881, 318, 6342], tok.EncodeToIds("The capital of France is Paris"));
    }

    [Fact]
    public void MissingOrNonBpeTokenizerIsATypedError()
    {
        string dir = TempDir();
        Assert.Throws<ModelFormatException>(() => ModelTokenizer.Load(dir));
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """{"model":{"type":"Unigram","vocab":[]}}""");
        Assert.Throws<ModelFormatException>(() => ModelTokenizer.Load(dir));
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{oops");
        Assert.Throws<ModelFormatException>(() => ModelTokenizer.Load(dir));
    }
}
