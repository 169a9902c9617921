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
    internal ForwardPass(TokenBatch batch, int past, int[] positions, Matrix<T> start, int startLayer, BlockActivations<T>?[] layers,
        Matrix<T> finalNorm, T[] finalMean, T[] finalRstd, Matrix<T> logits, int[]? logitRows, bool usedCache)
    {
        Batch = batch; Past = past; Positions = positions; _start = start; StartLayer = startLayer; Layers = layers;
        FinalNormOutput = finalNorm; FinalMean = finalMean; FinalRstd = finalRstd; Logits = logits; _logitRows = logitRows; UsedCache = usedCache;
    }

    // The residual the pass started from: the embeddings, or the stream after StartLayer (TransformerModel.ForwardFrom).
    private readonly Matrix<T> _start;
    private readonly int[]? _logitRows;

    /// <summary>The input batch.</summary>
    public TokenBatch Batch { get; }
    /// <summary>Positions already in the KV cache before this pass (0 without a cache).</summary>
    public int Past { get; }
    /// <summary>[N, V] next-token logits of every row, or [R, V] of the rows in <see cref="LogitRows"/>.</summary>
    public Matrix<T> Logits { get; }
    /// <summary>The activation row of each row of <see cref="Logits"/>; null when every row has logits.</summary>
    public IReadOnlyList<int>? LogitRows => _logitRows;
    /// <summary>The block whose output the pass started from (−1: the embeddings; see <see cref="TransformerModel{T}.ForwardFrom"/>).</summary>
    public int StartLayer { get; }
    /// <summary>[N, D] token (+ position) embeddings: the residual stream entering layer 0.</summary>
    /// <exception cref="ModelInputException">The pass started above the embeddings.</exception>
    public Matrix<T> Embeddings => StartLayer == -1 ? _start
        : throw new ModelInputException("ForwardPass", nameof(Embeddings), "a pass run from the embeddings", $"a pass started after block {StartLayer}");

    internal int[] Positions { get; }
    internal BlockActivations<T>?[] Layers { get; }
    internal Matrix<T> FinalNormOutput { get; }
    internal T[] FinalMean { get; }
    internal T[] FinalRstd { get; }
    internal bool UsedCache { get; }

    /// <summary>[N, F] input of layer <paramref name="layer"/>'s MLP down-projection (the editing key).</summary>
    public MatrixView<T> MlpKeys(int layer) => Layer(layer).Key.View;

    /// <summary>[N, D] output of layer <paramref name="layer"/>'s MLP down-projection (the value, before any injected delta).</summary>
    public MatrixView<T> MlpValues(int layer) => Layer(layer).Value.View;

    /// <summary>[N, D] residual stream after layer <paramref name="layer"/>; −1 gives the embeddings.</summary>
    public MatrixView<T> ResidualAfter(int layer) => layer == StartLayer ? _start.View : Layer(layer).Output.View;

    private BlockActivations<T> Layer(int layer) => (uint)layer < (uint)Layers.Length && Layers[layer] is { } activations ? activations
        : throw new ModelInputException("ForwardPass", nameof(layer), $"a layer in [{StartLayer + 1}, {Layers.Length}) (computed by this pass)", layer.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
