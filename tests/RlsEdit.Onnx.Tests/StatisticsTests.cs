using RlsEdit.Onnx.Statistics;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Tests;

public sealed class StatisticsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-stats-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Matrix<double> NaiveSecondMoment(IEnumerable<Matrix<float>> keyBlocks, int width)
    {
        var sum = new Matrix<double>(width, width);
        long n = 0;
        foreach (var k in keyBlocks)
            for (int r = 0; r < k.Rows; r++, n++)
                for (int i = 0; i < width; i++)
                    for (int j = 0; j < width; j++) sum[i, j] += (double)k[r, i] * k[r, j];
        for (int i = 0; i < sum.Data.Length; i++) sum.Data[i] /= n;
        return sum;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(33, 13)]
    public void Accumulator_equals_a_direct_float64_sum_over_strided_blocks(int rows, int width)
    {
        var rng = new Random(rows * 31 + width);
        var blocks = Enumerable.Range(0, 3).Select(b =>
        {
            var m = new Matrix<float>(rows + b, width + 2);
            for (int i = 0; i < m.Data.Length; i++) m.Data[i] = (float)(rng.NextDouble() * 4 - 2);
            return m;
        }).ToArray();
        var acc = new SecondMomentAccumulator(width);
        foreach (var b in blocks) acc.Add(b.View.Slice(0, 1, b.Rows, width)); // column offset: a strided view
        var expected = NaiveSecondMoment(blocks.Select(b => b.View.Slice(0, 1, b.Rows, width).ToMatrix()), width);
        Assert.Equal(blocks.Sum(b => (long)b.Rows), acc.Count);
        Assert.True(Norms.FrobeniusDistance(acc.SecondMoment().View, expected.View) <= 1e-13 * Norms.Frobenius(expected.View));
    }

    [Fact]
    public void Accumulator_rejects_non_finite_keys_and_wrong_widths()
    {
        var acc = new SecondMomentAccumulator(3);
        var bad = new Matrix<float>(2, 3);
        bad[1, 2] = float.NaN;
        Assert.Throws<NonFiniteValueException>(() => acc.Add(bad.View));
        Assert.Throws<ShapeMismatchException>(() => acc.Add(new Matrix<float>(2, 4).View));
        Assert.Throws<InvalidOperationException>(() => acc.SecondMoment());
    }

    private string IdCorpus(int vocab = 96)
    {
        var rng = new Random(5);
        string path = Path.Combine(_dir, "corpus.ids");
        File.WriteAllLines(path, Enumerable.Range(0, 12).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(1, 14)).Select(_ => rng.Next(vocab)))));
        return path;
    }

    [Fact]
    public void Onnx_statistics_equal_a_direct_float64_computation_over_the_same_windows()
    {
        var corpus = new TokenCorpus(IdCorpus(), tokenize: null);
        var options = new StatisticsOptions { MaxTokens = 61, SequenceLength = 8, BatchSize = 3 };
        using var source = OnnxKeySource.Open(Fixture.Gpt2.OnnxPath, [0, 1], OnnxDevice.Cpu);
        var stats = StatisticsRun.Run(source, corpus, options, _dir);

        using var capture = OnnxKeyCapture.Open(Fixture.Gpt2.OnnxPath, [0, 1], OnnxDevice.Cpu);
        var windows = corpus.Windows(8, 61).ToArray();
        Assert.Equal(61, windows.Sum(w => w.Length));
        foreach (var s in stats)
        {
            var keys = windows.Select(w => capture.Run(w, 1, w.Length).Keys[s.Layer]).ToArray();
            var expected = NaiveSecondMoment(keys, 128);
            Assert.Equal(61, s.Count);
            Assert.True(Norms.FrobeniusDistance(s.SecondMoment.View, expected.View) <= 1e-5 * Norms.Frobenius(expected.View));
            var loaded = LayerStatistics.Load(Path.Combine(_dir, LayerStatistics.FileName(s.Layer)));
            Assert.Equal((s.Layer, s.Count), (loaded.Layer, loaded.Count));
            Assert.Equal(s.ModelFingerprint, loaded.ModelFingerprint);
            Assert.Equal(s.CorpusFingerprint, loaded.CorpusFingerprint);
            Assert.Equal(s.SecondMoment.Data, loaded.SecondMoment.Data);
        }
        Assert.False(File.Exists(Path.Combine(_dir, StatisticsRun.CheckpointFile)));
    }

    [Fact]
    public void Resume_after_an_interruption_gives_the_same_statistics()
    {
        var corpus = new TokenCorpus(IdCorpus(vocab: 80), tokenize: null);
        var options = new StatisticsOptions { MaxTokens = 80, SequenceLength = 6, BatchSize = 2, CheckpointEveryBatches = 100 };
        using var source = OnnxKeySource.Open(Fixture.Llama.OnnxPath, [1], OnnxDevice.Cpu);
        string whole = Path.Combine(_dir, "whole"), parted = Path.Combine(_dir, "parted");
        var reference = StatisticsRun.Run(source, corpus, options, whole).Single();

        using var cts = new CancellationTokenSource();
        var seen = new List<long>();
        Assert.Throws<OperationCanceledException>(() => StatisticsRun.Run(source, corpus, options, parted,
            done => { seen.Add(done); if (done >= 24) cts.Cancel(); }, cts.Token));
        Assert.True(File.Exists(Path.Combine(parted, StatisticsRun.CheckpointFile)));
        Assert.False(File.Exists(Path.Combine(parted, LayerStatistics.FileName(1))));

        var resumedProgress = new List<long>();
        var resumed = StatisticsRun.Run(source, corpus, options, parted, resumedProgress.Add).Single();
        Assert.Equal(24, resumedProgress[0]); // starts where the checkpoint stopped, not at 0
        Assert.Equal(reference.Count, resumed.Count);
        Assert.Equal(reference.SecondMoment.Data, resumed.SecondMoment.Data);
    }

    [Fact]
    public void A_checkpoint_from_another_model_is_refused()
    {
        var corpus = new TokenCorpus(IdCorpus(), tokenize: null);
        var options = new StatisticsOptions { MaxTokens = 40, SequenceLength = 4, BatchSize = 2 };
        using (var gpt2 = OnnxKeySource.Open(Fixture.Gpt2.OnnxPath, [1], OnnxDevice.Cpu))
        {
            using var cts = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => StatisticsRun.Run(gpt2, corpus, options, _dir, _ => cts.Cancel(), cts.Token));
        }
        var managed = ManagedKeySource.Open(Fixture.Gpt2.Folder, [1]);
        var e = Assert.Throws<InvalidOperationException>(() => StatisticsRun.Run(managed, corpus, options, _dir));
        Assert.Contains("another model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lines_and_plain_text_are_tokenized_per_document()
    {
        string jsonl = Path.Combine(_dir, "c.jsonl"), txt = Path.Combine(_dir, "c.txt");
        File.WriteAllLines(jsonl, ["{\"text\": \"abc\"}", "", "{\"text\": \"de\", \"id\": 3}"]);
        File.WriteAllLines(txt, ["abc", "de"]);
        static IReadOnlyList<int> Chars(string s) => s.Select(c => (int)c).ToArray();
        var a = new TokenCorpus(jsonl, Chars).Windows(2, 100).ToArray();
        var b = new TokenCorpus(txt, Chars).Windows(2, 100).ToArray();
        Assert.Equal([[97, 98], [99, 100], [101]], a);
        Assert.Equal(a, b);
        File.WriteAllLines(jsonl, ["{\"title\": \"x\"}"]);
        Assert.Throws<FormatException>(() => new TokenCorpus(jsonl, Chars).Documents().ToArray());
    }

    [Fact]
    public void Managed_and_onnx_statistics_agree_on_the_same_model()
    {
        var corpus = new TokenCorpus(IdCorpus(vocab: 80), tokenize: null);
        var options = new StatisticsOptions { MaxTokens = 50, SequenceLength = 10, BatchSize = 4 };
        using var onnx = OnnxKeySource.Open(Fixture.Llama.OnnxPath, [0], OnnxDevice.Cpu);
        var a = StatisticsRun.Run(onnx, corpus, options, Path.Combine(_dir, "a")).Single();
        var b = StatisticsRun.Run(ManagedKeySource.Open(Fixture.Llama.Folder, [0]), corpus, options, Path.Combine(_dir, "b")).Single();
        Assert.Equal(a.Count, b.Count);
        Assert.True(Norms.FrobeniusDistance(a.SecondMoment.View, b.SecondMoment.View) <= 1e-4 * Norms.Frobenius(b.SecondMoment.View));
    }

    [Fact]
    public void Rome_style_statistics_import_as_the_mean_of_k_k_transpose()
    {
        string fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var keys = Npy.Read(Path.Combine(fixtures, "rome-style-keys.npy")).ToMatrix<float>();
        var imported = LayerStatistics.ImportRomeStyle(Path.Combine(fixtures, "rome-style-stats.npz"), layer: 17);
        var expected = NaiveSecondMoment([keys], keys.Cols);
        Assert.Equal((17, 23L), (imported.Layer, imported.Count));
        // The file stores the sum in float32: relative error ~ ε_f32.
        Assert.True(Norms.FrobeniusDistance(imported.SecondMoment.View, expected.View) <= 1e-6 * Norms.Frobenius(expected.View));
        Assert.Throws<NpyFormatException>(() => LayerStatistics.ImportRomeStyle(Path.Combine(fixtures, "gpt2-tiny", "expected.npz"), 0));
    }
}
