using System.Globalization;
using System.Text;

namespace RlsEdit.Tensors;

/// <summary>
/// Parses the small subset of Python literals that <c>.npy</c> headers use: a dict with string keys whose values are
/// strings, booleans, integers and tuples/lists of them. Tuples become <c>long[]</c> when every item is an integer,
/// otherwise <c>object[]</c>; lists become <c>List&lt;object?&gt;</c> (a structured dtype, which the caller rejects).
/// </summary>
internal sealed class PythonLiteralParser(string text, string source)
{
    private int position;

    public Dictionary<string, object> ParseHeaderDict()
    {
        SkipSpace();
        if (ParseValue() is not Dictionary<string, object> dict)
            throw Error("a Python dict literal {...}");
        SkipSpace();
        if (position != text.Length)
            throw Error("only spaces and a newline after the header dict");
        return dict;
    }

    private object ParseValue()
    {
        SkipSpace();
        if (position >= text.Length) throw Error("a value");
        char c = text[position];
        switch (c)
        {
            case '{': return ParseDict();
            case '(': return ParseSequence(')') is var tuple && tuple.All(x => x is long) ? tuple.Select(x => (long)x).ToArray() : tuple.ToArray();
            case '[': return ParseSequence(']');
            case '\'' or '"': return ParseString();
        }
        if (char.IsAsciiDigit(c) || c == '-') return ParseInteger();
        string word = ParseWord();
        return word switch
        {
            "True" => true,
            "False" => false,
            _ => throw Error("a string, integer, True, False, tuple, list or dict", word),
        };
    }

    private Dictionary<string, object> ParseDict()
    {
        position++; // '{'
        var dict = new Dictionary<string, object>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (Peek() == '}') { position++; return dict; }
            if (ParseValue() is not string key) throw Error("a quoted string key");
            SkipSpace();
            Expect(':');
            object value = ParseValue();
            if (!dict.TryAdd(key, value)) throw Error("each key once", $"'{key}' twice");
            SkipSpace();
            if (Peek() == ',') position++;
            else if (Peek() != '}') throw Error("',' or '}'");
        }
    }

    private List<object> ParseSequence(char close)
    {
        position++; // '(' or '['
        var items = new List<object>();
        while (true)
        {
            SkipSpace();
            if (Peek() == close) { position++; return items; }
            items.Add(ParseValue());
            SkipSpace();
            if (Peek() == ',') position++;
            else if (Peek() != close) throw Error($"',' or '{close}'");
        }
    }

    private string ParseString()
    {
        char quote = text[position++];
        var sb = new StringBuilder();
        while (position < text.Length && text[position] != quote)
        {
            if (text[position] == '\\') throw Error("a string without escapes");
            sb.Append(text[position++]);
        }
        if (position >= text.Length) throw Error($"a closing {quote}");
        position++;
        return sb.ToString();
    }

    private long ParseInteger()
    {
        int start = position;
        if (Peek() == '-') position++;
        while (position < text.Length && char.IsAsciiDigit(text[position])) position++;
        string digits = text[start..position];
        // Python 2 wrote long integers with an L suffix, e.g. (3L, 4L).
        if (position < text.Length && text[position] is 'L' or 'l') position++;
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw Error("an integer that fits in 64 bits", digits);
        return value;
    }

    private string ParseWord()
    {
        int start = position;
        while (position < text.Length && char.IsAsciiLetterOrDigit(text[position])) position++;
        return position == start ? text[position].ToString() : text[start..position];
    }

    private void SkipSpace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position])) position++;
    }

    private char Peek() => position < text.Length ? text[position] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c) throw Error($"'{c}'");
        position++;
    }

    private NpyFormatException Error(string expected, string? found = null) =>
        new(source, $"malformed header at character {position}", expected,
            (found ?? (position < text.Length ? $"'{text[position]}'" : "the end of the header")) + $" in {text.Trim()}");
}
