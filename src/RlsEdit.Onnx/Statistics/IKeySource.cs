using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Statistics;

/// <summary>A forward pass that yields MLP keys for chosen layers: ONNX Runtime or the managed runtime.</summary>
public interface IKeySource
{
    /// <summary>The layers whose keys <see cref="Keys(int[], int, int)"/> and <see cref="Keys(IReadOnlyList{int[]})"/> return.</summary>
    IReadOnlyList<int> Layers { get; }
    /// <summary>Key width F of each layer.</summary>
    int KeyWidth(int layer);
    /// <summary>The longest sequence the model accepts.</summary>
    int MaxLength { get; }
    /// <summary>SHA-256 of the model (four int64 words).</summary>
    long[] ModelFingerprint { get; }
    /// <summary>[B·T, F] keys per layer for <paramref name="batch"/> unpadded sequences of <paramref name="length"/> tokens.</summary>
    IReadOnlyDictionary<int, Matrix<float>> Keys(int[] ids, int batch, int length);
    /// <summary>
    /// [ΣTᵢ, F] keys per layer for sequences of unequal lengths run as one padded batch: the real tokens' rows,
    /// sequence after sequence, equal to unpadded runs of each sequence.
    /// </summary>
    IReadOnlyDictionary<int, Matrix<float>> Keys(IReadOnlyList<int[]> sequences);
}
