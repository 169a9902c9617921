using System.Security.Cryptography;
using Onnx;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Tests;

public sealed class ExternalDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-external-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Moves every initializer of ≥ 1 KB into weights.bin, as exporters do for models over 2 GB.</summary>
    private static int MoveToExternalData(ModelProto model, string directory)
    {
        using var data = File.Create(Path.Combine(directory, "weights.bin"));
        int moved = 0;
        foreach (var t in model.Graph.Initializer.Where(t => t.RawData.Length >= 1024))
        {
            long offset = data.Position;
            t.RawData.WriteTo(data);
            t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
            t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = t.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            t.DataLocation = TensorProto.Types.DataLocation.External;
            t.RawData = Google.Protobuf.ByteString.Empty;
            moved++;
        }
        return moved;
    }

    private string ExternalLlama(string folder)
    {
        var model = OnnxGraph.Load(Fixture.Llama.OnnxPath);
        Directory.CreateDirectory(folder);
        Assert.True(MoveToExternalData(model, folder) > 10);
        string path = Path.Combine(folder, "model.onnx");
        OnnxGraph.Save(model, path);
        return path;
    }

    [Fact]
    public void Keys_are_captured_from_a_model_with_external_data()
    {
        var f = Fixture.Llama;
        string path = ExternalLlama(_dir);
        using var capture = OnnxKeyCapture.Open(path, [1], OnnxDevice.Cpu);
        var pass = capture.Run(f.Ids, f.Batch, f.Length);
        Assert.True(Compare.RelativeMaxError(pass.Keys[1].View, f.Rows("keys_1").View) < 1e-4);
        Assert.True(Compare.RelativeMaxError(pass.Logits.View, f.Rows("logits").View) < 1e-4);
        Assert.Equal(["model.onnx", "weights.bin"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // In memory, without the folder, the external bytes are out of reach: typed errors naming them.
        var reloaded = OnnxGraph.Load(path);
        var p = OnnxGraph.FindDownProjection(reloaded, 1);
        var e = Assert.Throws<OnnxModelException>(() => OnnxWriteBack.ApplyDelta(reloaded, p, new Matrix<double>(p.InFeatures, p.OutFeatures).View));
        Assert.Contains("external", e.Message, StringComparison.Ordinal);
        Assert.Throws<OnnxModelException>(() => OnnxKeyCapture.Create(reloaded, [1], OnnxDevice.Cpu));
    }

    private static Matrix<double> Delta(DownProjection p, int seed)
    {
        var rng = new Random(seed);
        var m = new Matrix<double>(p.InFeatures, p.OutFeatures);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = (rng.NextDouble() * 2 - 1) * 0.05;
        return m;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Write_back_rewrites_external_data_into_a_new_file_and_a_session_on_it_reproduces_the_edit()
    {
        var f = Fixture.Llama;
        string input = ExternalLlama(Path.Combine(_dir, "in"));
        var inputHashes = Directory.GetFiles(Path.Combine(_dir, "in")).ToDictionary(x => x, Hash);
        var projections = OnnxGraph.FindDownProjections(OnnxGraph.Load(input));
        var deltas = projections.ToDictionary(p => p.Layer, p => Delta(p, 10 + p.Layer));
        string output = Path.Combine(_dir, "out", "edited.onnx");
        OnnxWriteBack.ApplyDeltas(input, output, deltas.ToDictionary(kv => kv.Key, kv => kv.Value.View));

        Assert.All(inputHashes, kv => Assert.Equal(kv.Value, Hash(kv.Key))); // the input is only read
        Assert.Equal(["edited.onnx", "edited.onnx.data"], Directory.GetFiles(Path.Combine(_dir, "out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var saved = OnnxGraph.Load(output);
        foreach (var p in projections)
        {
            var weight = OnnxGraph.Initializer(saved, p.WeightName);
            Assert.Equal(TensorProto.Types.DataLocation.External, weight.DataLocation); // the edited tensor stays external
            Assert.Equal("edited.onnx.data", weight.ExternalData.Single(e => e.Key == "location").Value);
        }

        // The same edit written into the inline fixture is the reference: the same float32 weights, so the same outputs.
        string inline = Path.Combine(_dir, "inline-edited.onnx");
        OnnxWriteBack.ApplyDeltas(f.OnnxPath, inline, deltas.ToDictionary(kv => kv.Key, kv => kv.Value.View));
        Assert.Equal(0, OnnxGraph.Load(inline).Graph.Initializer.Count(t => t.DataLocation == TensorProto.Types.DataLocation.External));
        using var reference = OnnxKeyCapture.Open(inline, [0, 1], OnnxDevice.Cpu);
        using var original = OnnxKeyCapture.Open(f.OnnxPath, [0], OnnxDevice.Cpu);
        using var edited = OnnxKeyCapture.Open(output, [0, 1], OnnxDevice.Cpu);
        var a = reference.Run(f.Ids, f.Batch, f.Length);
        var b = edited.Run(f.Ids, f.Batch, f.Length);
        Assert.True(Compare.RelativeMaxError(b.Logits.View, a.Logits.View) < 1e-6);
        Assert.True(Compare.RelativeMaxError(b.Values[1].View, a.Values[1].View) < 1e-6);

        // Layer 0's keys enter the edit unchanged; its values move by K·ΔW.
        var o = original.Run(f.Ids, f.Batch, f.Length);
        Assert.Equal(o.Keys[0].Data, b.Keys[0].Data);
        var expected = new Matrix<double>(o.Keys[0].Rows, projections[0].OutFeatures);
        for (int r = 0; r < expected.Rows; r++)
            for (int j = 0; j < expected.Cols; j++)
            {
                double v = o.Values[0][r, j];
                for (int k = 0; k < o.Keys[0].Cols; k++) v += o.Keys[0][r, k] * deltas[0][k, j];
                expected[r, j] = v;
            }
        Assert.True(Compare.RelativeMaxError(b.Values[0].View, expected.View) < 1e-5);
    }

    [Fact]
    public void Editing_in_place_over_its_own_data_file_is_refused_and_bad_external_entries_are_typed_errors()
    {
        string input = ExternalLlama(Path.Combine(_dir, "in"));
        var p = OnnxGraph.FindDownProjection(OnnxGraph.Load(input), 1);
        string first = Path.Combine(_dir, "in", "edited.onnx");
        OnnxWriteBack.ApplyDelta(input, first, 1, Delta(p, 1).View);
        string before = Hash(first + ".data");
        var e = Assert.Throws<OnnxModelException>(() => OnnxWriteBack.ApplyDelta(first, first, 1, Delta(p, 2).View));
        Assert.Contains("edited.onnx.data", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Hash(first + ".data"));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_dir, "in")), x => x.EndsWith(".tmp", StringComparison.Ordinal));

        // A data file cut short: the entry's range no longer fits.
        string data = Path.Combine(_dir, "in", "weights.bin");
        File.WriteAllBytes(data, File.ReadAllBytes(data)[..100]);
        var cut = Assert.Throws<OnnxModelException>(() => OnnxWriteBack.ApplyDelta(input, Path.Combine(_dir, "x.onnx"), 1, Delta(p, 3).View));
        Assert.Contains("out of range", cut.Message, StringComparison.Ordinal);
        File.Delete(data);
        var missing = Assert.Throws<OnnxModelException>(() => OnnxWriteBack.ApplyDelta(input, Path.Combine(_dir, "x.onnx"), 1, Delta(p, 3).View));
        Assert.Contains("weights.bin", missing.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.onnx")));
    }
}
