namespace RlsEdit.World.Training;

/// <summary>Top-1 accuracy of a model on every fact of one relation under one phrasing.</summary>
/// <param name="RelationId">The relation (e.g. <c>works_for</c>).</param>
/// <param name="Template">The phrasing, with <c>{}</c> for the subject.</param>
/// <param name="HeldOut">Whether the phrasing is held out of the training corpus.</param>
/// <param name="Prompts">Facts of the relation, i.e. prompts evaluated.</param>
/// <param name="Accuracy">Fraction answered with the true object.</param>
public sealed record PhrasingAccuracy(string RelationId, string Template, bool HeldOut, int Prompts, double Accuracy);
