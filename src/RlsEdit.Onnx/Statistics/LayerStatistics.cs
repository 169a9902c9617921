using System.Globalization;
using System.IO.Compression;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Statistics;

/// <summary>
/// The uncentered second moment E[k kᵀ] of one layer's MLP keys over a corpus, with what it was computed from.
/// Stored as .npz (see docs/onnx.md): <c>count</c> (int64), <c>second_moment</c> (float64 [F, F]),
/// <c>layer</c> (int64), <c>model_fingerprint</c> and <c>corpus_fingerprint</c> (int64[4], SHA-256 words).
/// </summary>
public sealed class LayerStatistics
{
    /// <summary>The layer index.</summary>
    public int Layer { get; }
    /// <summary>Key rows the moment averages over.</summary>
    public long Count { get; }
    /// <summary>E[k kᵀ], F×F symmetric.</summary>
    public Matrix<double> SecondMoment { get; }
    /// <summary>SHA-256 of the model the keys came from (four int64 words; zeros when unknown, e.g. imported).</summary>
    public long[] ModelFingerprint { get; }
    /// <summary>SHA-256 of the corpus file(s) and the run settings (four int64 words; zeros when unknown).</summary>
    public long[] CorpusFingerprint { get; }

    /// <summary>Creates the statistics record; <paramref name="secondMoment"/> is kept, not copied.</summary>
    public LayerStatistics(int layer, long count, Matrix<double> secondMoment, long[] modelFingerprint, long[] corpusFingerprint)
    {
        ArgumentNullException.ThrowIfNull(secondMoment);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Guard.Shape(secondMoment.View, secondMoment.Rows, secondMoment.Rows, "LayerStatistics", nameof(secondMoment));
        if (modelFingerprint is not { Length: 4 } || corpusFingerprint is not { Length: 4 })
            throw new ArgumentException("LayerStatistics: fingerprints must be four int64 words.");
        Layer = layer; Count = count; SecondMoment = secondMoment; ModelFingerprint = modelFingerprint; CorpusFingerprint = corpusFingerprint;
    }

    /// <summary>The canonical file name for layer <paramref name="layer"/> in a statistics folder.</summary>
    public static string FileName(int layer) => $"layer{layer.ToString(CultureInfo.InvariantCulture)}.npz";

    /// <summary>Writes the .npz atomically.</summary>
    public void Save(string path) => Npz.Write(path,
    [
        ("count", NpyArray.FromInt64([Count])),
        ("second_moment", NpyArray.FromMatrix(SecondMoment.View)),
        ("layer", NpyArray.FromInt64([Layer])),
        ("model_fingerprint", NpyArray.FromInt64(ModelFingerprint, 4)),
        ("corpus_fingerprint", NpyArray.FromInt64(CorpusFingerprint, 4)),
    ]);

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="NpyFormatException">An entry is missing or has the wrong shape.</exception>
    public static LayerStatistics Load(string path)
    {
        var arrays = Npz.Read(path);
        NpyArray Get(string name) => arrays.TryGetValue(name, out var a) ? a
            : throw new NpyFormatException(path, "not a layer statistics file", $"an entry '{name}' (see docs/onnx.md)", $"entries {string.Join(", ", arrays.Keys)}");
        var moment = Get("second_moment");
        if (moment.Rank != 2 || moment.Shape[0] != moment.Shape[1])
            throw new NpyFormatException(path, "second_moment", "a square 2-D array", $"shape [{string.Join(", ", moment.Shape)}]");
        return new LayerStatistics((int)Get("layer").ToInt64Array()[0], Get("count").ToInt64Array()[0], moment.ToMatrix<double>(),
            Words(Get("model_fingerprint"), path), Words(Get("corpus_fingerprint"), path));
    }

    /// <summary>
    /// Imports a ROME/MEMIT-style statistics file (<c>np.savez</c> of runningstats' state dict): the raw sum
    /// <c>mom2.mom2</c> (or <c>mom2</c>) and its <c>mom2.count</c> (or <c>count</c>); string entries are ignored.
    /// </summary>
    /// <exception cref="NpyFormatException">Neither layout is present.</exception>
    public static LayerStatistics ImportRomeStyle(string path, int layer)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Read only the numeric entries: the 'constructor' entries are unicode arrays that the core reader rejects.
        using var archive = ZipFile.OpenRead(path);
        NpyArray? Entry(string name)
        {
            var e = archive.GetEntry(name + ".npy");
            if (e is null) return null;
            using var s = e.Open();
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            buffer.Position = 0;
            return Npy.Read(buffer, $"{path}:{name}.npy");
        }
        var sum = Entry("mom2.mom2") ?? Entry("mom2");
        var count = Entry("mom2.count") ?? Entry("count");
        if (sum is null || count is null)
            throw new NpyFormatException(path, "not a ROME/MEMIT statistics file", "entries 'mom2.mom2' and 'mom2.count' (or 'mom2' and 'count')",
                $"entries {string.Join(", ", archive.Entries.Select(e => e.FullName))}");
        if (sum.Rank != 2 || sum.Shape[0] != sum.Shape[1])
            throw new NpyFormatException(path, "mom2", "a square 2-D array", $"shape [{string.Join(", ", sum.Shape)}]");
        long n = count.DataType is NpyDataType.Float32 or NpyDataType.Float64 ? (long)count.ToDoubleArray()[0] : count.ToInt64Array()[0];
        if (n <= 0) throw new NpyFormatException(path, "count", "a positive count", n.ToString(CultureInfo.InvariantCulture));
        var moment = sum.ToMatrix<double>();
        for (int i = 0; i < moment.Data.Length; i++) moment.Data[i] /= n;
        return new LayerStatistics(layer, n, moment, new long[4], new long[4]);
    }

    private static long[] Words(NpyArray a, string path) => a.Count == 4 ? a.ToInt64Array()
        : throw new NpyFormatException(path, "fingerprint", "four int64 words", $"{a.Count} values");
}
