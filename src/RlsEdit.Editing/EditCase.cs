using System.Text.Json;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>Loads and validates CounterFact-format edit cases before any model work starts.</summary>
public static class EditCases
{
    /// <summary>Reads a CounterFact JSON array (<c>counterfact.json</c> / the world's edit sets) and validates every case.</summary>
    /// <exception cref="EditInputException">The file is missing or malformed, or a case is invalid (see <see cref="Validate"/>).</exception>
    public static IReadOnlyList<CounterFactRecord> Load(string path)
    {
        if (!File.Exists(path)) throw new EditInputException("--edits", "an existing CounterFact JSON file", $"'{path}' (not found)");
        List<CounterFactRecord>? records;
        try { records = JsonSerializer.Deserialize<List<CounterFactRecord>>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new EditInputException(path, "a JSON array of CounterFact records", e.Message); }
        if (records is null || records.Count == 0) throw new EditInputException(path, "at least one edit case", "none");
        Validate(records);
        return records;
    }

    /// <summary>
    /// Checks every case: the rewrite prompt holds exactly one <c>{}</c>, the subject is non-empty and, where a paraphrase
    /// or generation prompt is given, appears in it, and both targets are non-empty.
    /// </summary>
    /// <exception cref="EditInputException">The first invalid case, named by its <c>case_id</c> and field.</exception>
    public static void Validate(IReadOnlyList<CounterFactRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var r in records)
        {
            string at = $"case {r.CaseId}: requested_rewrite";
            var rw = r.RequestedRewrite ?? throw new EditInputException(at, "a requested_rewrite object", "none");
            if (string.IsNullOrWhiteSpace(rw.Subject)) throw new EditInputException($"{at}.subject", "a non-empty subject", "an empty string");
            if (rw.Prompt is null || CountPlaceholders(rw.Prompt) != 1)
                throw new EditInputException($"{at}.prompt", "exactly one '{}' where the subject goes", $"'{rw.Prompt}'");
            if (string.IsNullOrWhiteSpace(rw.TargetNew?.Str)) throw new EditInputException($"{at}.target_new.str", "a non-empty target", "an empty string");
            if (string.IsNullOrWhiteSpace(rw.TargetTrue?.Str)) throw new EditInputException($"{at}.target_true.str", "a non-empty target", "an empty string");
            foreach (var p in r.ParaphrasePrompts ?? [])
                if (!p.Contains(rw.Subject, StringComparison.Ordinal))
                    throw new EditInputException($"case {r.CaseId}: paraphrase_prompts", $"prompts that mention the subject '{rw.Subject}'", $"'{p}'");
        }
    }

    private static int CountPlaceholders(string prompt)
    {
        int count = 0;
        for (int i = prompt.IndexOf("{}", StringComparison.Ordinal); i >= 0; i = prompt.IndexOf("{}", i + 2, StringComparison.Ordinal)) count++;
        return count;
    }
}
