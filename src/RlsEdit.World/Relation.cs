namespace RlsEdit.World;

/// <summary>
/// A relation of the world: subjects of one kind map to exactly one object of another kind. Templates are
/// CounterFact-style prompts with <c>{}</c> for the subject; the object follows the prompt after a space.
/// </summary>
/// <param name="Id">A short stable identifier (the CounterFact <c>relation_id</c>).</param>
/// <param name="SubjectKind">Kind of the subjects.</param>
/// <param name="ObjectKind">Kind of the objects.</param>
/// <param name="TrainingTemplates">Prompts used in the training corpus.</param>
/// <param name="HeldOutTemplates">Prompts never shown in training (paraphrase tests and accuracy).</param>
public sealed record Relation(string Id, EntityKind SubjectKind, EntityKind ObjectKind,
    IReadOnlyList<string> TrainingTemplates, IReadOnlyList<string> HeldOutTemplates)
{
    /// <summary>The prompt <paramref name="template"/> with <paramref name="subject"/> in place of <c>{}</c>.</summary>
    public static string Fill(string template, string subject) => template.Replace("{}", subject, StringComparison.Ordinal);

    /// <summary>The full sentence stating the fact: prompt, a space, the object and a full stop.</summary>
    public static string Sentence(string template, string subject, string obj) => $"{Fill(template, subject)} {obj}.";
}
