using RlsEdit.Tensors;

namespace RlsEdit.Editing;

/// <summary>The key/value batch one edited layer received in one edit step: enough to replay the step exactly.</summary>
/// <param name="Layer">The block index.</param>
/// <param name="Keys">K (u×d_k): averaged keys of the requests at this layer, on the partly edited model.</param>
/// <param name="Values">V (u×d_v) = K·W + R/(L − i): the absolute targets handed to the editor.</param>
public sealed record LayerEdit(int Layer, Matrix<double> Keys, Matrix<double> Values);

/// <summary>What one batch of edits did.</summary>
/// <param name="CaseIds">The edited cases.</param>
/// <param name="Layers">The per-layer key/value batches, in the order they were applied.</param>
/// <param name="ValueTargets">The v* optimisation of each case.</param>
public sealed record BatchEdit(IReadOnlyList<int> CaseIds, IReadOnlyList<LayerEdit> Layers, IReadOnlyList<ValueTarget> ValueTargets);
