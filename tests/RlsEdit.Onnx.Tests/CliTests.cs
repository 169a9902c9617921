using RlsEdit.Cli;
using RlsEdit.Onnx.Statistics;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Tests;

[Collection(CliCollection.Name)]
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // per-document windows: padded batches (right-padded for this input_ids-only graph, left in the managed runtime)
    public void Stats_from_onnx_and_from_the_model_folder_agree(bool perDocument)
    {
        var rng = new Random(2);
        File.WriteAllLines(P("c.ids"), Enumerable.Range(0, 20).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(3, 30)).Select(_ => rng.Next(96)))));
        var f = Fixture.Gpt2;
        string[] common = ["--layers", "0,1", "--corpus", P("c.ids"), "--max-tokens", "150", "--seq-len", "16", "--batch-size", "3", .. (perDocument ? new[] { "--per-document" } : [])];
        Assert.Equal(0, Program.Main(["stats", "--model", f.OnnxPath, "--out", P("onnx"), "--device", "cpu", .. common]));
        Assert.Equal(0, Program.Main(["stats", "--model", f.Folder, "--out", P("managed"), .. common]));
        foreach (int layer in new[] { 0, 1 })
        {
            var a = LayerStatistics.Load(Path.Combine(P("onnx"), LayerStatistics.FileName(layer)));
            var b = LayerStatistics.Load(Path.Combine(P("managed"), LayerStatistics.FileName(layer)));
            Assert.Equal((150L, layer), (a.Count, a.Layer));
            Assert.Equal(a.CorpusFingerprint, b.CorpusFingerprint);
            Assert.NotEqual(a.ModelFingerprint, b.ModelFingerprint);
            Assert.True(Norms.FrobeniusDistance(a.SecondMoment.View, b.SecondMoment.View) <= 1e-4 * Norms.Frobenius(b.SecondMoment.View));
        }
    }

    [Theory]
    [MemberData(nameof(Fixture.Names), MemberType = typeof(Fixture))]
    public void Export_then_model_keys_on_the_onnx_file_equals_model_keys_on_the_folder(string name)
    {
        var f = Fixture.Get(name);
        Assert.Equal(0, Program.Main(["onnx", "export", "--model", f.Folder, "--out", P("m.onnx")]));
        Assert.Equal(0, Program.Main(["model", "keys", "--model", P("m.onnx"), "--layer", "1", "--token-ids", "4,8,15,16,23,42", "--out", P("onnx.npy")]));
        Assert.Equal(0, Program.Main(["model", "keys", "--model", f.Folder, "--layer", "1", "--token-ids", "4,8,15,16,23,42", "--out", P("managed.npy")]));
        var a = Npy.Read(P("onnx.npy")).ToMatrix<float>();
        var b = Npy.Read(P("managed.npy")).ToMatrix<float>();
        Assert.True(Compare.RelativeMaxError(a.View, b.View) < 1e-4);
    }

    [Fact]
    public void Apply_delta_in_hf_layout_changes_the_weight_by_its_transpose()
    {
        var f = Fixture.Llama;
        var delta = new Matrix<double>(32, 48); // HF out×in
        for (int i = 0; i < delta.Data.Length; i++) delta.Data[i] = (i % 11 - 5) * 0.01;
        Npy.Write(P("d.npy"), NpyArray.FromMatrix(delta.View));
        Assert.Equal(0, Program.Main(["onnx", "apply-delta", "--model", f.OnnxPath, "--layer", "0", "--delta", P("d.npy"), "--hf-layout", "--out", P("e.onnx")]));
        var before = OnnxGraph.Load(f.OnnxPath);
        var after = OnnxGraph.Load(P("e.onnx"));
        var p = OnnxGraph.FindDownProjection(before, 0);
        var w0 = OnnxWriteBack.ReadWeight(before, p);
        var w1 = OnnxWriteBack.ReadWeight(after, p);
        for (int i = 0; i < w0.Rows; i++)
            for (int j = 0; j < w0.Cols; j++) Assert.Equal((float)(w0[i, j] + delta[j, i]), w1[i, j]);
    }

    private static string ShippedModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RlsEdit.Tensors.sln")))
                return Path.Combine(dir.FullName, "models", "tiny-world");
        throw new DirectoryNotFoundException("no RlsEdit.Tensors.sln above the test binaries");
    }

    [Fact]
    public void The_shipped_tiny_world_model_exported_to_onnx_gives_the_statistics_of_its_folder_on_a_text_corpus()
    {
        string shipped = ShippedModel();
        string onnxDir = P("tiny-world-onnx");
        Assert.Equal(0, Program.Main(["onnx", "export", "--model", shipped, "--out", Path.Combine(onnxDir, "model.onnx")]));
        foreach (var file in new[] { "tokenizer.json", "config.json" }) File.Copy(Path.Combine(shipped, file), Path.Combine(onnxDir, file));
        var tokenizer = RlsEdit.Models.ModelTokenizer.Load(shipped);
        var rng = new Random(4);
        File.WriteAllLines(P("c.txt"), Enumerable.Range(0, 20).Select(_ => tokenizer.Decode(Enumerable.Range(0, rng.Next(5, 40)).Select(_ => rng.Next(1, 3620)))));
        string[] common = ["--layers", "1,3", "--corpus", P("c.txt"), "--max-tokens", "300", "--seq-len", "24", "--batch-size", "4", "--per-document"];
        Assert.Equal(0, Program.Main(["stats", "--model", Path.Combine(onnxDir, "model.onnx"), "--out", P("onnx"), "--device", "cpu", .. common]));
        Assert.Equal(0, Program.Main(["stats", "--model", shipped, "--out", P("managed"), .. common]));
        foreach (int layer in new[] { 1, 3 })
        {
            var a = LayerStatistics.Load(Path.Combine(P("onnx"), LayerStatistics.FileName(layer)));
            var b = LayerStatistics.Load(Path.Combine(P("managed"), LayerStatistics.FileName(layer)));
            Assert.Equal(300, a.Count);
            Assert.Equal(a.Count, b.Count);
            Assert.Equal(512, a.SecondMoment.Rows);
            Assert.True(Norms.FrobeniusDistance(a.SecondMoment.View, b.SecondMoment.View) <= 1e-4 * Norms.Frobenius(b.SecondMoment.View));
        }
    }

    [Fact]
    public void Bad_inputs_exit_with_the_input_error_code()
    {
        File.WriteAllText(P("bad.onnx"), "not a protobuf at all");
        Assert.Equal(2, Program.Main(["onnx", "inspect", "--model", P("bad.onnx")]));
        Directory.CreateDirectory(P("bert"));
        File.WriteAllText(Path.Combine(P("bert"), "config.json"), "{\"model_type\": \"bert\"}");
        Assert.Equal(2, Program.Main(["onnx", "export", "--model", P("bert"), "--out", P("x.onnx")]));
        Assert.False(File.Exists(P("x.onnx")));
        Assert.Equal(2, Program.Main(["stats", "--model", Fixture.Gpt2.OnnxPath, "--layers", "9", "--corpus", P("bad.onnx"), "--max-tokens", "5", "--out", P("s")]));
    }
}
