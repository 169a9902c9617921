using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RlsEdit.Editing;

/// <summary>The JSON settings of every file a run writes (NaN is allowed: a metric over no prompts is undefined, not zero).</summary>
public static class EditJson
{
    /// <summary>Indented, NaN-tolerant, non-ASCII text kept readable.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serialises <paramref name="value"/> and writes it atomically to <paramref name="path"/>.</summary>
    public static void Write<TValue>(string path, TValue value) => AtomicText.Write(path, JsonSerializer.Serialize(value, Options));

    /// <summary>Reads a file written by <see cref="Write{TValue}"/>.</summary>
    public static TValue Read<TValue>(string path) =>
        JsonSerializer.Deserialize<TValue>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"'{path}' holds no value.");
}
