using System.Text.Json.Serialization;

namespace RlsEdit.World;

/// <summary>A target string of a CounterFact rewrite (<c>{"str": ...}</c>).</summary>
/// <param name="Str">The object, without its leading space (evaluation prefixes one).</param>
public sealed record CounterFactTarget([property: JsonPropertyName("str")] string Str);

/// <summary>The <c>requested_rewrite</c> of a CounterFact record.</summary>
/// <param name="Prompt">The rewrite prompt with <c>{}</c> for the subject.</param>
/// <param name="RelationId">The relation's id.</param>
/// <param name="Subject">The subject.</param>
/// <param name="TargetNew">The new object.</param>
/// <param name="TargetTrue">The true object in the world.</param>
public sealed record CounterFactRewrite(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("relation_id")] string RelationId,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("target_new")] CounterFactTarget TargetNew,
    [property: JsonPropertyName("target_true")] CounterFactTarget TargetTrue);

/// <summary>
/// One edit case in the CounterFact layout (ROME/MEMIT <c>counterfact.json</c>): the rewrite, paraphrases in
/// held-out phrasings, neighbourhood prompts (other subjects whose true object is the same, so they must keep
/// it), attribute prompts (subjects whose true object is the new target) and generation prompts about the subject.
/// </summary>
public sealed record CounterFactRecord(
    [property: JsonPropertyName("case_id")] int CaseId,
    [property: JsonPropertyName("requested_rewrite")] CounterFactRewrite RequestedRewrite,
    [property: JsonPropertyName("paraphrase_prompts")] IReadOnlyList<string> ParaphrasePrompts,
    [property: JsonPropertyName("neighborhood_prompts")] IReadOnlyList<string> NeighborhoodPrompts,
    [property: JsonPropertyName("attribute_prompts")] IReadOnlyList<string> AttributePrompts,
    [property: JsonPropertyName("generation_prompts")] IReadOnlyList<string> GenerationPrompts);

/// <summary>A fact prompt with its expected next token (held-out facts for measuring what editing leaves intact).</summary>
/// <param name="Prompt">The filled prompt, ending right before the object.</param>
/// <param name="Subject">The subject.</param>
/// <param name="RelationId">The relation's id.</param>
/// <param name="Target">The object (one token once a space is prefixed).</param>
public sealed record FactPrompt(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("relation_id")] string RelationId,
    [property: JsonPropertyName("target")] string Target);

/// <summary>What an edit run measures besides the edits: unedited facts (held-out phrasings) and filler text.</summary>
/// <param name="Facts">Facts whose subjects no edit case touches.</param>
/// <param name="Text">Filler sentences never used in training (a fresh stream), for perplexity.</param>
public sealed record HeldOutSet(
    [property: JsonPropertyName("facts")] IReadOnlyList<FactPrompt> Facts,
    [property: JsonPropertyName("text")] IReadOnlyList<string> Text);
