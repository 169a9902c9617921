using RlsEdit.Models;

namespace RlsEdit.Onnx.Tests;

public sealed class ExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Exported_gpt2_runs_under_onnx_runtime_like_pytorch_and_the_managed_runtime()
    {
        var f = Fixture.Gpt2;
        string path = Path.Combine(_dir, "exported.onnx");
        Gpt2OnnxExporter.Export(f.Folder, path);

        var model = OnnxGraph.Load(path);
        var projections = OnnxGraph.FindDownProjections(model);
        Assert.Equal([0, 1], projections.Select(p => p.Layer));
        Assert.All(projections, p => Assert.Equal(("MatMul", "transformer.h." + p.Layer + ".mlp.c_proj.weight", WeightLayout.InOut), (p.OpType, p.WeightName, p.Layout)));
        Assert.All(model.Graph.Node, n => Assert.True(string.IsNullOrEmpty(n.Domain), $"{n.Name} uses a non-standard domain"));

        using var capture = OnnxKeyCapture.Open(path, device: OnnxDevice.Cpu);
        var pass = capture.Run(f.Ids, f.Batch, f.Length); // batch of 2: exercises the dynamic axes
        Assert.True(Compare.RelativeMaxError(pass.Logits.View, f.Rows("logits").View) < 1e-4);
        for (int l = 0; l < 2; l++)
        {
            Assert.True(Compare.RelativeMaxError(pass.Keys[l].View, f.Rows($"keys_{l}").View) < 1e-4);
            Assert.True(Compare.RelativeMaxError(pass.Values[l].View, f.Rows($"values_{l}").View) < 1e-4);
        }

        var managed = ModelFolder.Load<float>(f.Folder);
        int[] single = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5]; // the full 32-token context
        var reference = managed.Forward(TokenBatch.Single(single));
        var full = capture.Run(single, 1, single.Length);
        Assert.True(Compare.RelativeMaxError(full.Logits.View, reference.Logits.View) < 1e-4);
        Assert.True(Compare.RelativeMaxError(full.Keys[1].View, reference.MlpKeys(1)) < 1e-4);
    }

    [Fact]
    public void Non_gpt2_models_are_refused()
    {
        var llama = ModelFolder.Load<float>(Fixture.Llama.Folder);
        Assert.Throws<NotSupportedException>(() => Gpt2OnnxExporter.Export(llama));
    }
}
