using System.Numerics;
using RlsEdit.Models.Layers;
using RlsEdit.Tensors;

namespace RlsEdit.Models;

/// <summary>
/// The result of <see cref="TransformerModel{T}.Forward"/>: logits plus every intermediate the backward pass
/// needs, which also serve as read hooks (MLP keys and values, the residual stream after each layer).
/// Rows are numbered b·T + t (see <see cref="TokenBatch.Row"/>).
/// </summary>
public sealed class ForwardPass<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal ForwardPass(TokenBatch batch, int past, int[] positions, Matrix<T> embeddings, BlockActivations<T>[] layers,
        Matrix<T> finalNorm, T[] finalMean, T[] finalRstd, Matrix<T> logits, bool usedCache)
    {
        Batch = batch; Past = past; Positions = positions; Embeddings = embeddings; Layers = layers;
        FinalNormOutput = finalNorm; FinalMean = finalMean; FinalRstd = finalRstd; Logits = logits; UsedCache = usedCache;
    }

    /// <summary>The input batch.</summary>
    public TokenBatch Batch { get; }
    /// <summary>Positions already in the KV cache before this pass (0 without a cache).</summary>
    public int Past { get; }
    /// <summary>[N, V] next-token logits of every row.</summary>
    public Matrix<T> Logits { get; }
    /// <summary>[N, D] token (+ position) embeddings: the residual stream entering layer 0.</summary>
    public Matrix<T> Embeddings { get; }

    internal int[] Positions { get; }
    internal BlockActivations<T>[] Layers { get; }
    internal Matrix<T> FinalNormOutput { get; }
    internal T[] FinalMean { get; }
    internal T[] FinalRstd { get; }
    internal bool UsedCache { get; }

    /// <summary>[N, F] input of layer <paramref name="layer"/>'s MLP down-projection (the editing key).</summary>
    public MatrixView<T> MlpKeys(int layer) => Layer(layer).Key.View;

    /// <summary>[N, D] output of layer <paramref name="layer"/>'s MLP down-projection (the value, before any injected delta).</summary>
    public MatrixView<T> MlpValues(int layer) => Layer(layer).Value.View;

    /// <summary>[N, D] residual stream after layer <paramref name="layer"/>; −1 gives the embeddings.</summary>
    public MatrixView<T> ResidualAfter(int layer) => layer == -1 ? Embeddings.View : Layer(layer).Output.View;

    private BlockActivations<T> Layer(int layer) => (uint)layer < (uint)Layers.Length ? Layers[layer]
        : throw new ModelInputException("ForwardPass", nameof(layer), $"a layer in [0, {Layers.Length})", layer.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
