using RlsEdit.Models;
using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Editing.Tests;

[Collection(TinyWorldCollection.Name)]
public sealed class LayerStatisticsTests(TinyWorldModel tiny)
{
    // Oracle: every text run alone (no padding, no batching), keys summed as kkᵀ in naive float64 loops.
    private static Matrix<double> NaiveSecondMoment(TransformerModel<float> model, PromptEncoder encoder, IEnumerable<string> texts, int layer)
    {
        int dk = model.Config.IntermediateSize;
        var sum = new Matrix<double>(dk, dk);
        long tokens = 0;
        foreach (string text in texts)
        {
            var ids = encoder.Encode(text).Take(model.Config.MaxSequenceLength).ToArray();
            if (ids.Length == 0) continue;
            var keys = model.ForwardRows(TokenBatch.LeftPadded([ids], 0), []).MlpKeys(layer);
            for (int t = 0; t < ids.Length; t++)
            {
                var k = keys.RowSpan(t);
                for (int i = 0; i < dk; i++)
                    for (int j = 0; j < dk; j++) sum[i, j] += (double)k[i] * k[j];
            }
            tokens += ids.Length;
        }
        for (int i = 0; i < dk; i++)
            for (int j = 0; j < dk; j++) sum[i, j] /= tokens;
        return sum;
    }

    [Fact]
    public void SecondMomentIsTheMeanOfKKTransposeOverEveryRealToken()
    {
        var model = ModelFolder.Load<float>(tiny.ModelDirectory);
        var encoder = new PromptEncoder(ModelTokenizer.Load(tiny.ModelDirectory));
        // 37 texts of different lengths: batches of 16 with left padding, and a last partial batch.
        var texts = tiny.CorpusTexts.Take(37).ToList();
        var moments = LayerStatistics.SecondMoments(model, encoder, [0, 2], texts, cacheDirectory: null);
        foreach (int layer in new[] { 0, 2 })
        {
            var expected = NaiveSecondMoment(model, encoder, texts, layer);
            var got = moments[layer];
            // The keys are float32 either way; batching changes only their rounding (relative ~1e-6).
            Assert.True(Norms.FrobeniusDistance(got.View, expected.View) <= 1e-5 * Norms.Frobenius(expected.View),
                $"layer {layer}: ‖got − naive‖ = {Norms.FrobeniusDistance(got.View, expected.View)}, ‖naive‖ = {Norms.Frobenius(expected.View)}");
            for (int i = 0; i < got.Rows; i++)
                for (int j = 0; j < i; j++) Assert.Equal(got[i, j], got[j, i]);
        }
    }

    [Fact]
    public void CachedMomentsAreReadBackExactlyAndEmptyCorporaAreRefused()
    {
        var model = ModelFolder.Load<float>(tiny.ModelDirectory);
        var encoder = new PromptEncoder(ModelTokenizer.Load(tiny.ModelDirectory));
        var texts = tiny.CorpusTexts.Take(5).ToList();
        var otherTexts = tiny.CorpusTexts.Skip(5).Take(5).ToList();
        string cache = Path.Combine(tiny.Directory, $"stats-cache-{Guid.NewGuid():N}");
        var first = LayerStatistics.SecondMoments(model, encoder, [1], texts, cache);
        Assert.True(File.Exists(Path.Combine(cache, "mom2_layer1_n5.npy")));
        // The cache is keyed by layer and text count (one model and corpus per cache folder), so five other texts read
        // back the first five's moments bit for bit, where computing them would differ.
        var cached = LayerStatistics.SecondMoments(model, encoder, [1], otherTexts, cache);
        var computed = LayerStatistics.SecondMoments(model, encoder, [1], otherTexts, cacheDirectory: null);
        Assert.Equal(first[1].Data, cached[1].Data);
        Assert.NotEqual(first[1].Data, computed[1].Data);
        Assert.Throws<EditInputException>(() => LayerStatistics.SecondMoments(model, encoder, [1], [], cacheDirectory: null));
    }
}
