using System.Text.Json.Serialization;

namespace RlsEdit.Editing;

/// <summary>
/// One record of a MEMIT-shaped ZsRE file (<c>zsre_mem_eval.json</c> / <c>zsre_mend_eval.json</c>): a question about a
/// subject (<c>src</c>), its rephrasing, the ground-truth answers, a counterfactual answer (<c>alt</c>) and an unrelated
/// Natural Questions prompt (<c>loc</c>) with its answer (<c>loc_ans</c>) that the edit must not change.
/// </summary>
public sealed record ZsreRecord
{
    /// <summary>The case id; files without it number records by position, as MEMIT's loader does.</summary>
    [JsonPropertyName("case_id")] public int? CaseId { get; init; }
    /// <summary>The subject, as it appears in <see cref="Src"/>.</summary>
    [JsonPropertyName("subject")] public string? Subject { get; init; }
    /// <summary>The question that is edited.</summary>
    [JsonPropertyName("src")] public string? Src { get; init; }
    /// <summary>The original model's answer (recorded, unused).</summary>
    [JsonPropertyName("pred")] public string? Pred { get; init; }
    /// <summary>A paraphrase of <see cref="Src"/>.</summary>
    [JsonPropertyName("rephrase")] public string? Rephrase { get; init; }
    /// <summary>The counterfactual answer EasyEdit edits to.</summary>
    [JsonPropertyName("alt")] public string? Alt { get; init; }
    /// <summary>The ground-truth answers; MEMIT edits to the first.</summary>
    [JsonPropertyName("answers")] public IReadOnlyList<string>? Answers { get; init; }
    /// <summary>The neighbourhood prompt (in the published file an NQ question starting with <c>nq question: </c>, without its question mark).</summary>
    [JsonPropertyName("loc")] public string? Loc { get; init; }
    /// <summary>The answer the neighbourhood prompt must keep.</summary>
    [JsonPropertyName("loc_ans")] public string? LocAns { get; init; }
    /// <summary>MEND's conditioning string (recorded, unused).</summary>
    [JsonPropertyName("cond")] public string? Cond { get; init; }
}
