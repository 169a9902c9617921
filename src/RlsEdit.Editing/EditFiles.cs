using System.Text.Json;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>Reads an edit file of either supported layout into validated edit records.</summary>
public static class EditFiles
{
    /// <summary>
    /// Loads <paramref name="path"/> as <paramref name="format"/> (<see cref="EditFileFormat.Auto"/> detects it from the
    /// first record) and returns the layout that was read with the cases.
    /// </summary>
    /// <exception cref="EditInputException">The file is missing, its layout cannot be told, or a record is invalid.</exception>
    public static (EditFileFormat Format, IReadOnlyList<CounterFactRecord> Cases) Load(string path, EditFileFormat format = EditFileFormat.Auto,
        ZsreTarget zsreTarget = ZsreTarget.Answer)
    {
        var resolved = format == EditFileFormat.Auto ? Detect(path) : format;
        return (resolved, resolved == EditFileFormat.Zsre ? ZsreCases.Load(path, zsreTarget) : EditCases.Load(path));
    }

    /// <summary>The layout of <paramref name="path"/>, told by its first record's fields.</summary>
    /// <exception cref="EditInputException">The file is missing, is not a non-empty JSON array of objects, or its first record fits neither layout.</exception>
    public static EditFileFormat Detect(string path)
    {
        if (!File.Exists(path)) throw new EditInputException("--edits", "an existing JSON file", $"'{path}' (not found)");
        using var stream = File.OpenRead(path);
        JsonDocument document;
        try { document = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new EditInputException(path, "a JSON array of edit records", e.Message); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0 || root[0].ValueKind != JsonValueKind.Object)
                throw new EditInputException(path, "a non-empty JSON array of edit records", $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}" +
                    (root.ValueKind == JsonValueKind.Array ? (root.GetArrayLength() == 0 ? " with no records" : $" whose first item is a {root[0].ValueKind.ToString().ToLowerInvariant()}") : ""));
            var first = root[0];
            if (first.TryGetProperty("requested_rewrite", out _)) return EditFileFormat.CounterFact;
            if (first.TryGetProperty("src", out _) && first.TryGetProperty("loc", out _)) return EditFileFormat.Zsre;
            string fields = string.Join(", ", first.EnumerateObject().Select(p => p.Name));
            throw new EditInputException($"{path}: record 0", "a CounterFact record (requested_rewrite) or a ZsRE record (src, loc)",
                $"the fields {(fields.Length == 0 ? "(none)" : fields)}");
        }
    }
}
