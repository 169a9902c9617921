using System.Globalization;
using RlsEdit.Models;
using RlsEdit.Tensors;

namespace RlsEdit.Editing;

/// <summary>
/// The per-token second moment E[kkᵀ] of each edited layer's MLP key (the down-projection input) over corpus text —
/// the reference's <c>layer_stats</c> <c>mom2</c>, which stands in for K₀ᵀK₀. Computed with the managed runtime in
/// float64 sums and cached as <c>.npy</c> per layer.
/// </summary>
public static class LayerStatistics
{
    /// <summary>
    /// E[kkᵀ] (d_k×d_k, full symmetric) for each of <paramref name="layers"/>, over every real token of
    /// <paramref name="texts"/>; read from <paramref name="cacheDirectory"/> when there, written there otherwise.
    /// </summary>
    public static IReadOnlyDictionary<int, Matrix<double>> SecondMoments(
        TransformerModel<float> model, PromptEncoder encoder, IReadOnlyList<int> layers, IReadOnlyList<string> texts, string? cacheDirectory, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(texts);
        int dk = model.Config.IntermediateSize;
        var result = new Dictionary<int, Matrix<double>>();
        string Path(int layer) => System.IO.Path.Combine(cacheDirectory!, string.Create(CultureInfo.InvariantCulture, $"mom2_layer{layer}_n{texts.Count}.npy"));
        var missing = new List<int>();
        foreach (int l in layers)
        {
            if (cacheDirectory is not null && File.Exists(Path(l))) result[l] = Npy.Read(Path(l)).ToMatrix<double>();
            else missing.Add(l);
        }
        if (missing.Count == 0) return result;
        if (texts.Count == 0) throw new EditInputException("statistics corpus", "at least one text for the key second moment", "none");

        var sums = missing.ToDictionary(l => l, _ => new Matrix<double>(dk, dk));
        long tokens = 0;
        int context = model.Config.MaxSequenceLength;
        int pad = model.Config.EosTokenId ?? 0;
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            var seqs = texts.Skip(start).Take(batchSize).Select(t => encoder.Encode(t)).Where(s => s.Length > 0)
                .Select(s => (IReadOnlyList<int>)s.Take(context).ToArray()).ToList();
            if (seqs.Count == 0) continue;
            var batch = TokenBatch.LeftPadded(seqs, pad);
            var pass = model.ForwardRows(batch, []);   // keys only: no logits
            var rows = new List<int>();
            for (int b = 0; b < batch.BatchSize; b++)
                for (int t = batch.PadCounts[b]; t < batch.Length; t++) rows.Add(batch.Row(b, t));
            tokens += rows.Count;
            foreach (int l in missing)
            {
                var keys = pass.MlpKeys(l);
                var k = new Matrix<double>(rows.Count, dk);
                for (int i = 0; i < rows.Count; i++)
                {
                    var src = keys.RowSpan(rows[i]);
                    var dst = k.View.RowSpan(i);
                    for (int j = 0; j < dk; j++) dst[j] = src[j];
                }
                Blas.Syrk(1.0, k.View.Transposed, 1.0, sums[l].View);
            }
        }
        foreach (int l in missing)
        {
            var m = sums[l];
            for (int i = 0; i < dk; i++)
                for (int j = 0; j <= i; j++)
                {
                    m[i, j] /= tokens;
                    m[j, i] = m[i, j];
                }
            result[l] = m;
            if (cacheDirectory is not null)
            {
                Directory.CreateDirectory(cacheDirectory);
                using var buffer = new MemoryStream();
                Npy.Write(buffer, NpyArray.FromMatrix<double>(m.View));
                AtomicText.WriteBytes(Path(l), buffer.ToArray());
            }
        }
        return result;
    }
}
