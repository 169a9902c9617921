using System.Text;
using System.Text.Json;

namespace RlsEdit.World;

/// <summary>
/// A word-level vocabulary for a world, stored as a Hugging Face byte-level BPE <c>tokenizer.json</c> (GPT-2
/// pre-tokenisation). Every word of the world, with and without its leading space, is one token; the merges
/// build each word left to right from its bytes, so any BPE implementation reproduces exactly the word tokens.
/// Each object is therefore one token and top-1 accuracy on a fact is well defined.
/// </summary>
public sealed class WorldTokenizer
{
    /// <summary>The end-of-text token (id 0), also used as padding.</summary>
    public const string EndOfText = "<|endoftext|>";

    private static readonly string[] ByteToChar = BuildByteLevelAlphabet();
    private readonly Dictionary<string, int> _ids;

    /// <summary>Vocabulary size V (words, byte symbols, the merge intermediates and the end-of-text token).</summary>
    public int VocabSize => Tokens.Count;
    /// <summary>Tokens by id, in byte-level spelling (a leading space is <c>Ġ</c>).</summary>
    public IReadOnlyList<string> Tokens { get; }
    /// <summary>Merges in rank order, "left right" in byte-level spelling.</summary>
    public IReadOnlyList<string> Merges { get; }

    private WorldTokenizer(List<string> tokens, List<string> merges)
    {
        Tokens = tokens;
        Merges = merges;
        _ids = tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The tokenizer of <paramref name="world"/>.</summary>
    public static WorldTokenizer Build(FactWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var words = new SortedSet<string>(StringComparer.Ordinal) { ".", ",", "'s" };
        var people = world.Entities[EntityKind.Person];
        var surnames = people.Select(p => p.Split(' ')[^1]).ToHashSet(StringComparer.Ordinal);
        var letters = WorldText.EnglishWords().Concat(world.Entities.Values.SelectMany(n => n).SelectMany(n => n.Split(' ')));
        foreach (var w in letters)
        {
            words.Add(" " + w);
            // Capitalised words can open a sentence, where GPT-2 pre-tokenisation gives them no leading space;
            // a surname always follows its first name, so it never does (and a bare one would only grow the vocabulary).
            if (char.IsUpper(w[0]) && !surnames.Contains(w)) words.Add(w);
        }
        var tokens = new List<string> { EndOfText };
        tokens.AddRange(words.Select(ToByteLevel));
        var known = new HashSet<string>(tokens, StringComparer.Ordinal);
        foreach (var symbol in ByteToChar)
            if (known.Add(symbol)) tokens.Add(symbol);

        // Space-initial chains first: in " Kalo" the merge (Ġ, K) must outrank (K, a) from "Kalo", after which only
        // one merge of the chain ever applies to a word.
        var merges = new List<string>();
        var seenMerges = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in words.OrderBy(w => w[0] == ' ' ? 0 : 1).ThenBy(w => w, StringComparer.Ordinal))
        {
            string spelled = ToByteLevel(word);
            for (int end = 2; end <= spelled.Length; end++)
            {
                string left = spelled[..(end - 1)], right = spelled[(end - 1)..end];
                if (!seenMerges.Add(left + " " + right)) continue;
                merges.Add(left + " " + right);
                if (known.Add(left + right)) tokens.Add(left + right);
            }
        }
        return new WorldTokenizer(tokens, merges);
    }

    /// <summary>The id of a token in byte-level spelling, or of a plain word (" is", "Kalo").</summary>
    public int Id(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_ids.TryGetValue(token, out int id) || _ids.TryGetValue(ToByteLevel(token), out id)) return id;
        throw new WorldTextException("WorldTokenizer.Id", token);
    }

    /// <summary>Token ids of <paramref name="text"/>; every pre-token must be a word of the world.</summary>
    /// <exception cref="WorldTextException">A word that is not in the vocabulary.</exception>
    public int[] Encode(string text) => WorldText.PreTokens(text).Select(p =>
        _ids.TryGetValue(ToByteLevel(p), out int id) ? id : throw new WorldTextException("WorldTokenizer.Encode", p)).ToArray();

    /// <summary>The text of <paramref name="ids"/>.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
            foreach (char c in Tokens[id])
                bytes.Add((byte)Array.IndexOf(ByteToChar, c.ToString()));
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The Hugging Face <c>tokenizer.json</c> contents.</summary>
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            w.WriteStartObject();
            w.WriteNumber("id", 0);
            w.WriteString("content", EndOfText);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("normalized", true);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNull("normalizer");
            void ByteLevel(string name, bool prefixSpace, bool trim)
            {
                w.WriteStartObject(name);
                w.WriteString("type", "ByteLevel");
                w.WriteBoolean("add_prefix_space", prefixSpace);
                w.WriteBoolean("trim_offsets", trim);
                w.WriteBoolean("use_regex", true);
                w.WriteEndObject();
            }
            ByteLevel("pre_tokenizer", false, true);
            ByteLevel("post_processor", true, false);
            ByteLevel("decoder", true, true);
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteString("continuing_subword_prefix", "");
            w.WriteString("end_of_word_suffix", "");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", false);
            w.WriteStartObject("vocab");
            for (int i = 0; i < Tokens.Count; i++) w.WriteNumber(Tokens[i], i);
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var m in Merges) w.WriteStringValue(m);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Writes <c>tokenizer.json</c> to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicWrite.Bytes(path, s => s.Write(ToJson()));

    /// <summary>GPT-2 byte-level spelling: every UTF-8 byte becomes one printable character (space → Ġ).</summary>
    public static string ToByteLevel(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(text)) result.Append(ByteToChar[b]);
        return result.ToString();
    }

    private static string[] BuildByteLevelAlphabet()
    {
        var map = new string[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = ((char)(printable ? b : next++)).ToString();
        }
        return map;
    }
}
