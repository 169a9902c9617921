namespace RlsEdit.Models;

/// <summary>
/// A vector added to layer <paramref name="Layer"/>'s MLP output (equivalently, its residual output) at activation
/// row <paramref name="Row"/>: the variable δ of MEMIT-style value optimisation.
/// </summary>
/// <param name="Layer">The block whose MLP output is shifted.</param>
/// <param name="Row">The activation row b·T + t.</param>
/// <param name="Vector">The shift, length D.</param>
public sealed record ResidualDelta<T>(int Layer, int Row, T[] Vector);

/// <summary>What <see cref="TransformerModel{T}.Backward"/> differentiates.</summary>
/// <param name="StopAfterLayer">The backward pass stops at the residual after this layer (−1: down to the embeddings).</param>
/// <param name="ParameterGradients">Whether to accumulate gradients into <see cref="Parameter{T}.Gradient"/> of the layers it passes.</param>
public readonly record struct BackwardScope(int StopAfterLayer, bool ParameterGradients)
{
    /// <summary>Only ∂loss/∂(residual after <paramref name="layer"/>) = ∂loss/∂δ for a delta injected there; no weight gradients.</summary>
    public static BackwardScope ToResidualAfter(int layer) => new(layer, false);

    /// <summary>Gradients of every parameter (and of the embeddings' output).</summary>
    public static BackwardScope AllParameters => new(-1, true);
}

/// <summary>The result of a backward pass.</summary>
/// <param name="Loss">The loss value.</param>
/// <param name="ResidualGradient">[N, D] ∂loss/∂(residual after <paramref name="Layer"/>).</param>
/// <param name="Layer">The layer whose output <paramref name="ResidualGradient"/> refers to (−1: the embeddings).</param>
public sealed record BackwardResult<T>(double Loss, Tensors.Matrix<T> ResidualGradient, int Layer)
    where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>;
