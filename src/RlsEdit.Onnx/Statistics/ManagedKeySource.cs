using RlsEdit.Models;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Statistics;

/// <summary>Keys from the managed runtime (<see cref="TransformerModel{T}"/>, float32).</summary>
public sealed class ManagedKeySource : IKeySource
{
    private readonly TransformerModel<float> _model;

    /// <summary>Keys of <paramref name="layers"/> of <paramref name="model"/>; <paramref name="fingerprint"/> identifies its weights.</summary>
    public ManagedKeySource(TransformerModel<float> model, IReadOnlyList<int> layers, long[] fingerprint)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layers);
        foreach (int l in layers)
            if ((uint)l >= (uint)model.Config.LayerCount)
                throw new ArgumentOutOfRangeException(nameof(layers), $"ManagedKeySource: layer {l} is outside [0, {model.Config.LayerCount}).");
        _model = model; Layers = layers; ModelFingerprint = fingerprint;
    }

    /// <summary>Opens a Hugging Face model folder; the fingerprint covers config.json and the safetensors files.</summary>
    public static ManagedKeySource Open(string folder, IReadOnlyList<int> layers)
    {
        var files = Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).Prepend(Path.Combine(folder, "config.json"));
        return new ManagedKeySource(ModelFolder.Load<float>(folder), layers, Fingerprint.ToWords(Fingerprint.OfFiles(files)));
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Layers { get; }
    /// <inheritdoc />
    public int MaxLength => _model.Config.MaxSequenceLength;
    /// <inheritdoc />
    public long[] ModelFingerprint { get; }
    /// <inheritdoc />
    public int KeyWidth(int layer) => _model.Config.IntermediateSize;

    /// <inheritdoc />
    public IReadOnlyDictionary<int, Matrix<float>> Keys(int[] ids, int batch, int length)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Keys(Enumerable.Range(0, batch).Select(b => ids.AsSpan(b * length, length).ToArray()).ToArray());
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<int, Matrix<float>> Keys(IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var batch = TokenBatch.LeftPadded(sequences.Select(s => (IReadOnlyList<int>)s).ToArray(), 0);
        var pass = _model.Forward(batch);
        return Layers.ToDictionary(l => l, l =>
        {
            var all = pass.MlpKeys(l);
            var real = new Matrix<float>(sequences.Sum(s => s.Length), all.Cols);
            int row = 0;
            for (int b = 0; b < sequences.Count; b++)
            {
                int n = sequences[b].Length;
                all.Slice(batch.Row(b, batch.PadCounts[b]), 0, n, all.Cols).CopyTo(real.View.Slice(row, 0, n, all.Cols));
                row += n;
            }
            return real;
        });
    }
}
