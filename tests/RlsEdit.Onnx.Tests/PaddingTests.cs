using RlsEdit.Models;
using RlsEdit.Onnx.Statistics;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Tests;

public sealed class PaddingTests : IDisposable
{
    // Same weights, same float32 ops; only the batch shape (and so ORT's blocking) differs: agreement to ~1e-6.
    private const double Tolerance = 1e-5;
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-padding-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly int[][] Ragged = [[5, 17, 3, 9, 0, 42, 77, 8, 1], [1, 2, 3], [60], [7, 7, 7, 7, 7, 7]];

    private string Exported(string name)
    {
        string path = Path.Combine(_dir, name + ".onnx");
        if (!File.Exists(path)) OnnxExporter.Export(Fixture.Get(name).Folder, path);
        return path;
    }

    private static void AssertEqualsUnpadded(OnnxKeyCapture capture, int[][] sequences, OnnxCapturePass padded)
    {
        int row = 0;
        foreach (var s in sequences)
        {
            var alone = capture.Run(s, 1, s.Length);
            foreach (int l in capture.Projections.Select(p => p.Layer))
            {
                Assert.True(Compare.RelativeMaxError(padded.Keys[l].View.Slice(row, 0, s.Length, padded.Keys[l].Cols), alone.Keys[l].View) < Tolerance, $"keys {l}, sequence at row {row}");
                Assert.True(Compare.RelativeMaxError(padded.Values[l].View.Slice(row, 0, s.Length, padded.Values[l].Cols), alone.Values[l].View) < Tolerance, $"values {l}, sequence at row {row}");
            }
            Assert.True(Compare.RelativeMaxError(padded.Logits.View.Slice(row, 0, s.Length, padded.Logits.Cols), alone.Logits.View) < Tolerance, $"logits, sequence at row {row}");
            row += s.Length;
        }
        Assert.Equal(row, padded.Logits.Rows);
    }

    [Theory]
    [InlineData("gpt2-tiny", PaddingSide.Left)]
    [InlineData("gpt2-tiny", PaddingSide.Right)]
    [InlineData("llama-tiny", PaddingSide.Left)]
    [InlineData("llama-tiny", PaddingSide.Right)]
    [InlineData("qwen2-tiny", PaddingSide.Left)]
    public void Padded_batches_with_an_attention_mask_equal_unpadded_runs(string name, PaddingSide side)
    {
        using var capture = OnnxKeyCapture.Open(Exported(name), device: OnnxDevice.Cpu);
        // A pad id that is a real token: the mask, not the id, must keep padding out.
        var padded = capture.RunPadded(Ragged, side, padId: 3);
        AssertEqualsUnpadded(capture, Ragged, padded);
        var keys = capture.RunKeysPadded(Ragged, side, padId: 3);
        Assert.Equal(padded.Keys[1].Data, keys[1].Data);
    }

    [Fact]
    public void Models_without_an_attention_mask_pad_on_the_right_and_refuse_left_padding()
    {
        using var capture = OnnxKeyCapture.Open(Fixture.Llama.OnnxPath, device: OnnxDevice.Cpu); // torch export: input_ids only
        Assert.Equal(PaddingSide.Right, capture.Padding);
        AssertEqualsUnpadded(capture, Ragged, capture.RunPadded(Ragged));
        var e = Assert.Throws<ArgumentException>(() => capture.RunPadded(Ragged, PaddingSide.Left));
        Assert.Contains("attention_mask", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => capture.RunPadded([[1, 2], []]));
        Assert.Throws<ArgumentException>(() => capture.RunPadded([]));
    }

    [Fact]
    public void Left_padded_onnx_keys_equal_the_managed_runtimes_left_padded_keys()
    {
        var f = Fixture.Qwen2;
        var managed = new ManagedKeySource(ModelFolder.Load<float>(f.Folder), [0, 1], [0, 0, 0, 0]);
        using var onnx = OnnxKeySource.Open(Exported("qwen2-tiny"), [0, 1], OnnxDevice.Cpu);
        var a = onnx.Keys(Ragged);
        var b = managed.Keys(Ragged);
        foreach (int l in new[] { 0, 1 })
        {
            Assert.Equal(Ragged.Sum(s => s.Length), a[l].Rows);
            Assert.True(Compare.RelativeMaxError(a[l].View, b[l].View) < 1e-4);
        }
    }

    [Theory]
    [InlineData("llama-tiny")]
    [InlineData("gpt2-tiny")]
    public void Per_document_statistics_with_padded_batches_equal_a_direct_computation_over_unpadded_windows(string name)
    {
        var rng = new Random(11);
        string corpusPath = Path.Combine(_dir, "docs.ids");
        File.WriteAllLines(corpusPath, Enumerable.Range(0, 9).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(1, 12)).Select(_ => rng.Next(80)))));
        var corpus = new TokenCorpus(corpusPath, tokenize: null);
        var options = new StatisticsOptions { MaxTokens = 1000, SequenceLength = 5, BatchSize = 3, PerDocument = true };
        var windows = corpus.Windows(5, 1000, perDocument: true).ToArray();
        Assert.Contains(windows.Chunk(3), batch => batch.Select(w => w.Length).Distinct().Count() > 1); // some batches are padded

        string model = Exported(name);
        using var source = OnnxKeySource.Open(model, [1], OnnxDevice.Cpu);
        var stats = StatisticsRun.Run(source, corpus, options, Path.Combine(_dir, "stats-" + name)).Single();

        using var capture = OnnxKeyCapture.Open(model, [1], OnnxDevice.Cpu);
        int f = capture.Projections[0].InFeatures;
        var expected = new Matrix<double>(f, f);
        long n = 0;
        foreach (var w in windows)
        {
            var k = capture.Run(w, 1, w.Length).Keys[1];
            for (int r = 0; r < k.Rows; r++, n++)
                for (int i = 0; i < f; i++)
                    for (int j = 0; j < f; j++) expected[i, j] += (double)k[r, i] * k[r, j];
        }
        for (int i = 0; i < expected.Data.Length; i++) expected.Data[i] /= n;
        Assert.Equal(n, stats.Count);
        Assert.Equal(windows.Sum(w => w.Length), n);
        Assert.True(Norms.FrobeniusDistance(stats.SecondMoment.View, expected.View) <= 1e-5 * Norms.Frobenius(expected.View));
    }

    [Fact]
    public void Per_document_runs_resume_bit_for_bit_and_refuse_a_checkpoint_of_the_other_window_mode()
    {
        var rng = new Random(12);
        string corpusPath = Path.Combine(_dir, "resume.ids");
        File.WriteAllLines(corpusPath, Enumerable.Range(0, 10).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(1, 12)).Select(_ => rng.Next(80)))));
        var corpus = new TokenCorpus(corpusPath, tokenize: null);
        var perDocument = new StatisticsOptions { MaxTokens = 1000, SequenceLength = 4, BatchSize = 2, PerDocument = true, CheckpointEveryBatches = 100 };
        using var source = OnnxKeySource.Open(Exported("llama-tiny"), [0], OnnxDevice.Cpu);
        var reference = StatisticsRun.Run(source, corpus, perDocument, Path.Combine(_dir, "whole")).Single();

        string parted = Path.Combine(_dir, "parted");
        using (var cts = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => StatisticsRun.Run(source, corpus, perDocument, parted, done => { if (done >= 10) cts.Cancel(); }, cts.Token));
        var resumed = StatisticsRun.Run(source, corpus, perDocument, parted).Single();
        Assert.Equal(reference.Count, resumed.Count);
        Assert.Equal(reference.SecondMoment.Data, resumed.SecondMoment.Data);

        string other = Path.Combine(_dir, "other");
        using (var cts = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => StatisticsRun.Run(source, corpus, perDocument with { PerDocument = false }, other, _ => cts.Cancel(), cts.Token));
        var e = Assert.Throws<InvalidOperationException>(() => StatisticsRun.Run(source, corpus, perDocument, other));
        Assert.Contains("window mode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_document_windows_never_cross_a_document()
    {
        string path = Path.Combine(_dir, "c.ids");
        File.WriteAllLines(path, ["1 2 3 4 5", "6", "7 8 9"]);
        var corpus = new TokenCorpus(path, tokenize: null);
        Assert.Equal([[1, 2], [3, 4], [5], [6], [7, 8], [9]], corpus.Windows(2, 100, perDocument: true));
        Assert.Equal([[1, 2], [3, 4], [5, 6], [7, 8], [9]], corpus.Windows(2, 100));
        Assert.Equal([[1, 2], [3, 4], [5], [6]], corpus.Windows(2, 6, perDocument: true));
    }
}
