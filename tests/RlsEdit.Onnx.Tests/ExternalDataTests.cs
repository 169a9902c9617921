using Onnx;

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

    [Fact]
    public void Keys_are_captured_from_a_model_with_external_data_and_write_back_refuses_it()
    {
        var f = Fixture.Llama;
        var model = OnnxGraph.Load(f.OnnxPath);
        Assert.True(MoveToExternalData(model, _dir) > 10);
        string path = Path.Combine(_dir, "model.onnx");
        OnnxGraph.Save(model, path);

        using var capture = OnnxKeyCapture.Open(path, [1], OnnxDevice.Cpu);
        var pass = capture.Run(f.Ids, f.Batch, f.Length);
        Assert.True(Compare.RelativeMaxError(pass.Keys[1].View, f.Rows("keys_1").View) < 1e-4);
        Assert.True(Compare.RelativeMaxError(pass.Logits.View, f.Rows("logits").View) < 1e-4);
        Assert.Equal(["model.onnx", "weights.bin"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var reloaded = OnnxGraph.Load(path);
        var p = OnnxGraph.FindDownProjection(reloaded, 1);
        var e = Assert.Throws<OnnxModelException>(() => OnnxWriteBack.ApplyDelta(reloaded, p, new RlsEdit.Tensors.Matrix<double>(p.InFeatures, p.OutFeatures).View));
        Assert.Contains("external", e.Message, StringComparison.Ordinal);
        Assert.Throws<OnnxModelException>(() => OnnxKeyCapture.Create(reloaded, [1], OnnxDevice.Cpu));
    }
}
