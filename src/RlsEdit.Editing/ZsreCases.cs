using System.Globalization;
using System.Text.Json;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>
/// Turns MEMIT-shaped ZsRE records into the edit records every run uses, as MEMIT's <c>MENDQADataset</c> does: the rewrite
/// prompt is <c>src</c> with the subject replaced by <c>{}</c>, the paraphrase is <c>rephrase</c>, the neighbourhood prompt
/// is <c>loc + "?"</c> for the published file's Natural Questions prompts (<c>nq question: …</c>, stored without their question
/// mark; MEMIT requires that prefix) and <c>loc</c> as it is otherwise (cloze prompts such as a fact world's). The neighbourhood's expected answer <c>loc_ans</c> goes into <c>target_true</c>, because the
/// evaluator scores neighbours against <c>target_true</c>: the token accuracies of a ZsRE run are then exactly MEMIT's
/// ZsRE accuracies (<see cref="ZsreMetrics"/>). ZsRE has no true object for the rewrite (MEMIT puts a placeholder there),
/// so the CounterFact success rates of a ZsRE run compare the new answer with <c>loc_ans</c> and are not ZsRE metrics.
/// </summary>
public static class ZsreCases
{
    /// <summary>Reads a JSON array of <see cref="ZsreRecord"/> and converts it (see <see cref="Convert"/>).</summary>
    /// <exception cref="EditInputException">The file is missing or not an array of ZsRE records, or a record is invalid.</exception>
    public static IReadOnlyList<CounterFactRecord> Load(string path, ZsreTarget target = ZsreTarget.Answer)
    {
        if (!File.Exists(path)) throw new EditInputException("--edits", "an existing ZsRE JSON file", $"'{path}' (not found)");
        List<ZsreRecord>? records;
        try { records = JsonSerializer.Deserialize<List<ZsreRecord>>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new EditInputException(path, "a JSON array of ZsRE records (subject, src, rephrase, answers, alt, loc, loc_ans)", e.Message); }
        if (records is null || records.Count == 0) throw new EditInputException(path, "at least one ZsRE record", "none");
        var cases = Convert(records, target, path);
        EditCases.Validate(cases);
        return cases;
    }

    /// <summary>
    /// Converts <paramref name="records"/>; a record without <c>case_id</c> gets its position. <paramref name="source"/> names
    /// the input in errors.
    /// </summary>
    /// <exception cref="EditInputException">The first record with a missing or empty field, or whose <c>src</c> does not contain its subject exactly once.</exception>
    public static IReadOnlyList<CounterFactRecord> Convert(IReadOnlyList<ZsreRecord?> records, ZsreTarget target, string source)
    {
        ArgumentNullException.ThrowIfNull(records);
        var cases = new List<CounterFactRecord>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            string at = r?.CaseId is { } id
                ? string.Create(CultureInfo.InvariantCulture, $"{source}: record {i} (case_id {id})")
                : string.Create(CultureInfo.InvariantCulture, $"{source}: record {i}");
            if (r is null) throw new EditInputException(at, "a ZsRE record object", "null");
            string subject = Required(r.Subject, at, "subject");
            string src = Required(r.Src, at, "src");
            int occurrences = Occurrences(src, subject);
            if (occurrences != 1)
                throw new EditInputException($"{at}.src", $"a question that contains the subject '{subject}' exactly once",
                    string.Create(CultureInfo.InvariantCulture, $"'{src}' ({occurrences} occurrences)"));
            string targetNew = target == ZsreTarget.Alt
                ? Required(r.Alt, at, "alt")
                : r.Answers is { Count: > 0 } answers ? Required(answers[0], at, "answers[0]") : throw new EditInputException($"{at}.answers", "a non-empty list of answers", r.Answers is null ? "none" : "an empty list");
            string rephrase = Required(r.Rephrase, at, "rephrase");
            string loc = Required(r.Loc, at, "loc");
            string locAnswer = Required(r.LocAns, at, "loc_ans");
            var rewrite = new CounterFactRewrite(src.Replace(subject, "{}", StringComparison.Ordinal), "zsre", subject,
                new CounterFactTarget(targetNew), new CounterFactTarget(locAnswer));
            string neighbour = loc.StartsWith(NaturalQuestionsPrefix, StringComparison.Ordinal) ? loc + "?" : loc;
            cases.Add(new CounterFactRecord(r.CaseId ?? i, rewrite, [rephrase], [neighbour], [], []));
        }
        return cases;
    }

    /// <summary>The prefix of the published file's neighbourhood prompts, which are closed with a question mark.</summary>
    public const string NaturalQuestionsPrefix = "nq question: ";

    private static string Required(string? value, string at, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new EditInputException($"{at}.{field}", "a non-empty string", value is null ? "none" : "an empty string") : value;

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
