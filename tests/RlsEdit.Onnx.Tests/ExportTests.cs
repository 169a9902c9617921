using RlsEdit.Models;

namespace RlsEdit.Onnx.Tests;

public sealed class ExportTests : IDisposable
{
    // float32 graphs against a float64 reference (PyTorch) or another float32 evaluation order (managed runtime).
    private const double Tolerance = 1e-4;
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Fixture.Names), MemberType = typeof(Fixture))]
    public void Exported_models_run_under_onnx_runtime_like_pytorch_and_the_managed_runtime(string name)
    {
        var f = Fixture.Get(name);
        string path = Path.Combine(_dir, name + ".onnx");
        OnnxExporter.Export(f.Folder, path);

        var model = OnnxGraph.Load(path);
        var managed = ModelFolder.Load<float>(f.Folder);
        var projections = OnnxGraph.FindDownProjections(model);
        Assert.Equal([0, 1], projections.Select(p => p.Layer));
        foreach (var p in projections)
        {
            Assert.Equal("MatMul", p.OpType);
            Assert.Equal(ParameterLayout.DownProjection(managed.Config, p.Layer), ParameterLayout.Canonical(managed.Config, p.WeightName));
            // GPT-2's Conv1D stores [in, out]; nn.Linear stores out×in and the graph reads it through a Transpose.
            Assert.Equal(managed.Config.Architecture == ModelArchitecture.Gpt2 ? WeightLayout.InOut : WeightLayout.OutIn, p.Layout);
            Assert.Equal((managed.Config.IntermediateSize, managed.Config.HiddenSize), (p.InFeatures, p.OutFeatures));
        }
        Assert.All(model.Graph.Node, n => Assert.True(string.IsNullOrEmpty(n.Domain), $"{n.Name} uses a non-standard domain"));
        Assert.Equal(["input_ids", "attention_mask"], model.Graph.Input.Select(i => i.Name));

        using var capture = OnnxKeyCapture.Open(path, device: OnnxDevice.Cpu);
        Assert.Equal(PaddingSide.Left, capture.Padding);
        var pass = capture.Run(f.Ids, f.Batch, f.Length); // batch of 2: exercises the dynamic axes
        Assert.True(Compare.RelativeMaxError(pass.Logits.View, f.Rows("logits").View) < Tolerance, "logits vs PyTorch");
        for (int l = 0; l < 2; l++)
        {
            Assert.True(Compare.RelativeMaxError(pass.Keys[l].View, f.Rows($"keys_{l}").View) < Tolerance, $"keys {l} vs PyTorch");
            Assert.True(Compare.RelativeMaxError(pass.Values[l].View, f.Rows($"values_{l}").View) < Tolerance, $"values {l} vs PyTorch");
        }

        // The full context: RoPE tables and the causal mask are sliced to T from [context, ·] constants.
        int[] single = [.. Enumerable.Range(0, managed.Config.MaxSequenceLength).Select(i => (i * 37 + 11) % managed.Config.VocabSize)];
        var reference = managed.Forward(TokenBatch.Single(single));
        var full = capture.Run(single, 1, single.Length);
        Assert.True(Compare.RelativeMaxError(full.Logits.View, reference.Logits.View) < Tolerance, "logits vs managed");
        for (int l = 0; l < 2; l++)
        {
            Assert.True(Compare.RelativeMaxError(full.Keys[l].View, reference.MlpKeys(l)) < Tolerance, $"keys {l} vs managed");
            Assert.True(Compare.RelativeMaxError(full.Values[l].View, reference.MlpValues(l)) < Tolerance, $"values {l} vs managed");
        }
    }

    [Fact]
    public void An_export_with_external_data_runs_and_takes_an_edit()
    {
        var f = Fixture.Qwen2;
        string folder = Path.Combine(_dir, "external");
        string path = Path.Combine(folder, "model.onnx");
        OnnxExporter.Export(f.Folder, path, externalData: true);
        Assert.Equal(["model.onnx", "model.onnx.data"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var model = OnnxGraph.Load(path);
        var external = model.Graph.Initializer.Where(t => t.DataLocation == global::Onnx.TensorProto.Types.DataLocation.External).ToArray();
        Assert.Contains(external, t => t.Name == "model.layers.1.mlp.down_proj.weight");
        Assert.All(model.Graph.Initializer.Except(external), t => Assert.True(t.CalculateSize() < 1100, $"{t.Name} should be external"));

        using (var capture = OnnxKeyCapture.Open(path, [1], OnnxDevice.Cpu))
        {
            var pass = capture.Run(f.Ids, f.Batch, f.Length);
            Assert.True(Compare.RelativeMaxError(pass.Logits.View, f.Rows("logits").View) < Tolerance);
            Assert.True(Compare.RelativeMaxError(pass.Keys[1].View, f.Rows("keys_1").View) < Tolerance);
        }

        var projection = OnnxGraph.FindDownProjection(model, 1);
        var delta = new RlsEdit.Tensors.Matrix<double>(projection.InFeatures, projection.OutFeatures);
        delta[3, 5] = 0.5;
        string edited = Path.Combine(folder, "edited.onnx");
        OnnxWriteBack.ApplyDelta(path, edited, 1, delta.View);
        using var before = OnnxKeyCapture.Open(path, [1], OnnxDevice.Cpu);
        using var after = OnnxKeyCapture.Open(edited, [1], OnnxDevice.Cpu);
        var a = before.Run(f.Ids, f.Batch, f.Length);
        var b = after.Run(f.Ids, f.Batch, f.Length);
        for (int r = 0; r < a.Keys[1].Rows; r++)
            for (int j = 0; j < projection.OutFeatures; j++)
            {
                double expected = a.Values[1][r, j] + (j == 5 ? 0.5 * a.Keys[1][r, 3] : 0);
                Assert.True(Math.Abs(b.Values[1][r, j] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"value ({r}, {j})");
            }
    }

    [Fact]
    public void Rope_theta_and_scaling_from_the_config_reach_the_graph()
    {
        // Llama 3-style scaling with a short original context changes the low frequencies at T ≤ 32; a graph that
        // ignored rope_theta or rope_scaling would drift from the managed runtime, which applies both.
        string folder = Path.Combine(_dir, "llama-scaled");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Fixture.Llama.Folder, "model.safetensors"), Path.Combine(folder, "model.safetensors"));
        string config = File.ReadAllText(Path.Combine(Fixture.Llama.Folder, "config.json"));
        config = config.Replace("\"rope_theta\": 10000.0", "\"rope_theta\": 50.0, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 4.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8}", StringComparison.Ordinal);
        Assert.Contains("llama3", config, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "config.json"), config);

        var scaled = ModelFolder.Load<float>(folder);
        var plain = ModelFolder.Load<float>(Fixture.Llama.Folder);
        string path = Path.Combine(_dir, "scaled.onnx");
        OnnxGraph.Save(OnnxExporter.Export(scaled), path);
        using var capture = OnnxKeyCapture.Open(path, [1], OnnxDevice.Cpu);
        int[] ids = [.. Enumerable.Range(0, 24).Select(i => (i * 13 + 5) % 80)];
        var pass = capture.Run(ids, 1, ids.Length);
        var expected = scaled.Forward(TokenBatch.Single(ids));
        var unscaled = plain.Forward(TokenBatch.Single(ids));
        Assert.True(Compare.RelativeMaxError(pass.Logits.View, expected.Logits.View) < Tolerance);
        Assert.True(Compare.RelativeMaxError(pass.Keys[1].View, expected.MlpKeys(1)) < Tolerance);
        Assert.True(Compare.RelativeMaxError(pass.Logits.View, unscaled.Logits.View) > 100 * Tolerance, "the scaled model must differ from the plain one");
    }

    [Fact]
    public void Family_exporters_refuse_the_other_family()
    {
        var llama = ModelFolder.Load<float>(Fixture.Llama.Folder);
        var gpt2 = ModelFolder.Load<float>(Fixture.Gpt2.Folder);
        Assert.Throws<NotSupportedException>(() => Gpt2OnnxExporter.Export(llama));
        Assert.Throws<NotSupportedException>(() => LlamaOnnxExporter.Export(gpt2));
    }
}
