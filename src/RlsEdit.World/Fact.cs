namespace RlsEdit.World;

/// <summary>One true fact of the world: (subject, relation, object).</summary>
/// <param name="Subject">The subject's name as it appears in text.</param>
/// <param name="Relation">The relation.</param>
/// <param name="Object">The object's name (one word, hence one token).</param>
public sealed record Fact(string Subject, Relation Relation, string Object);
