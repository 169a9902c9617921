using System.Globalization;
using System.Text.Json;

namespace RlsEdit.Onnx.Statistics;

/// <summary>
/// A corpus file read as a stream of token ids: plain text (one document per non-empty line), JSON lines (the
/// <c>text</c> field of each object) or, without a tokenizer, lines of whitespace-separated token ids.
/// </summary>
public sealed class TokenCorpus
{
    private readonly Func<string, IReadOnlyList<int>>? _tokenize;

    /// <summary>The corpus file.</summary>
    public string Path { get; }

    /// <summary>A corpus over <paramref name="path"/>; <paramref name="tokenize"/> null means the lines hold token ids.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public TokenCorpus(string path, Func<string, IReadOnlyList<int>>? tokenize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"TokenCorpus: no corpus file at '{path}'.", path);
        Path = path; _tokenize = tokenize;
    }

    /// <summary>Each document's tokens, in file order.</summary>
    /// <exception cref="FormatException">A JSON line has no string 'text' field, or an id line holds a non-integer.</exception>
    public IEnumerable<int[]> Documents()
    {
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(Path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            if (_tokenize is null)
            {
                var ids = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                var parsed = new int[ids.Length];
                for (int i = 0; i < ids.Length; i++)
                    if (!int.TryParse(ids[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] < 0)
                        throw new FormatException($"{Path}:{lineNumber}: expected whitespace-separated non-negative token ids, found '{ids[i]}'.");
                yield return parsed;
                continue;
            }
            string text = line;
            if (line[0] == '{')
            {
                using var doc = ParseJson(line, lineNumber);
                if (!doc.RootElement.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                    throw new FormatException($"{Path}:{lineNumber}: expected a JSON object with a string 'text' field.");
                text = t.GetString()!;
            }
            var tokens = _tokenize(text);
            if (tokens.Count > 0) yield return tokens.ToArray();
        }
    }

    /// <summary>
    /// The token stream (documents concatenated) cut into windows of <paramref name="length"/> tokens, stopping after
    /// <paramref name="maxTokens"/> tokens; the last window may be shorter. With <paramref name="perDocument"/> no window
    /// crosses a document boundary, so each document's last window is usually shorter (batches then need padding).
    /// </summary>
    public IEnumerable<int[]> Windows(int length, long maxTokens, bool perDocument = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        var window = new List<int>(length);
        long emitted = 0;
        foreach (var doc in Documents())
        {
            foreach (int id in doc)
            {
                window.Add(id);
                if (window.Count == length || emitted + window.Count == maxTokens)
                {
                    emitted += window.Count;
                    yield return window.ToArray();
                    window.Clear();
                    if (emitted == maxTokens) yield break;
                }
            }
            if (perDocument && window.Count > 0)
            {
                emitted += window.Count;
                yield return window.ToArray();
                window.Clear();
            }
        }
        if (window.Count > 0) yield return window.ToArray();
    }

    private JsonDocument ParseJson(string line, int lineNumber)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{Path}:{lineNumber}: invalid JSON line ({e.Message}).", e);
        }
    }
}
