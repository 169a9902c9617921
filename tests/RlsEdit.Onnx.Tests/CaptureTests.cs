using RlsEdit.Models;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Tests;

public class CaptureTests
{
    // float32 evaluation of a float64 reference over a few layers: errors ~1e-6 relative; 1e-4 leaves room for op order.
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(Fixture.Names), MemberType = typeof(Fixture))]
    public void Onnx_runtime_keys_values_and_logits_equal_pytorch(string name)
    {
        var f = Fixture.Get(name);
        using var capture = OnnxKeyCapture.Open(f.OnnxPath, device: OnnxDevice.Cpu);
        Assert.Equal(OnnxDevice.Cpu, capture.Device);
        var pass = capture.Run(f.Ids, f.Batch, f.Length);
        Assert.True(Compare.RelativeMaxError(pass.Logits.View, f.Rows("logits").View) < Tolerance);
        foreach (int layer in new[] { 0, 1 })
        {
            Assert.True(Compare.RelativeMaxError(pass.Keys[layer].View, f.Rows($"keys_{layer}").View) < Tolerance, $"keys {layer}");
            Assert.True(Compare.RelativeMaxError(pass.Values[layer].View, f.Rows($"values_{layer}").View) < Tolerance, $"values {layer}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixture.Names), MemberType = typeof(Fixture))]
    public void Onnx_runtime_keys_equal_the_managed_runtime_on_the_same_weights(string name)
    {
        var f = Fixture.Get(name);
        var managed = ModelFolder.Load<float>(f.Folder);
        using var capture = OnnxKeyCapture.Open(f.OnnxPath, [1], OnnxDevice.Cpu);
        var ids = f.Ids;
        for (int b = 0; b < f.Batch; b++)
        {
            var seq = ids.AsSpan(b * f.Length, f.Length).ToArray();
            var reference = managed.Forward(TokenBatch.Single(seq));
            var pass = capture.Run(seq, 1, seq.Length);
            Assert.True(Compare.RelativeMaxError(pass.Keys[1].View, reference.MlpKeys(1)) < Tolerance);
            Assert.True(Compare.RelativeMaxError(pass.Values[1].View, reference.MlpValues(1)) < Tolerance);
            Assert.True(Compare.RelativeMaxError(pass.Logits.View, reference.Logits.View) < Tolerance);
        }
    }

    [Fact]
    public void Auto_device_falls_back_to_cpu_with_one_log_line_when_cuda_is_missing()
    {
        var lines = new List<string>();
        using var capture = OnnxKeyCapture.Open(Fixture.Gpt2.OnnxPath, [0], OnnxDevice.Auto, lines.Add);
        if (OnnxSessions.IsCudaAvailable(out _))
        {
            Assert.Equal(OnnxDevice.Cuda, capture.Device);
            Assert.Empty(lines);
        }
        else
        {
            Assert.Equal(OnnxDevice.Cpu, capture.Device);
            Assert.Equal("CPU", Assert.Single(lines).Split(' ')[^1].TrimEnd('.'));
        }
    }

    [Fact]
    public void Cuda_device_without_cuda_is_a_typed_error()
    {
        if (OnnxSessions.IsCudaAvailable(out _)) return; // covered by Cuda_keys_equal_cpu_keys on GPU machines
        var e = Assert.Throws<OnnxModelException>(() => OnnxKeyCapture.Open(Fixture.Gpt2.OnnxPath, [0], OnnxDevice.Cuda));
        Assert.Contains("CUDA", e.Message, StringComparison.Ordinal);
    }

    [CudaFact]
    public void Cuda_keys_equal_cpu_keys()
    {
        var f = Fixture.Llama;
        using var cpu = OnnxKeyCapture.Open(f.OnnxPath, [0, 1], OnnxDevice.Cpu);
        using var gpu = OnnxKeyCapture.Open(f.OnnxPath, [0, 1], OnnxDevice.Cuda);
        Assert.Equal(OnnxDevice.Cuda, gpu.Device);
        var a = cpu.Run(f.Ids, f.Batch, f.Length);
        var b = gpu.Run(f.Ids, f.Batch, f.Length);
        Assert.True(Compare.RelativeMaxError(b.Keys[1].View, a.Keys[1].View) < Tolerance);
        Assert.True(Compare.RelativeMaxError(b.Logits.View, a.Logits.View) < Tolerance);
    }

    [Fact]
    public void Keys_only_runs_give_the_same_keys_as_full_runs()
    {
        var f = Fixture.Llama;
        using var capture = OnnxKeyCapture.Open(f.OnnxPath, [0, 1], OnnxDevice.Cpu);
        var full = capture.Run(f.Ids, f.Batch, f.Length);
        var keys = capture.RunKeys(f.Ids, f.Batch, f.Length);
        Assert.Equal(full.Keys[0].Data, keys[0].Data);
        Assert.Equal(full.Keys[1].Data, keys[1].Data);
    }

    [Fact]
    public void Wrong_id_count_is_rejected()
    {
        using var capture = OnnxKeyCapture.Open(Fixture.Gpt2.OnnxPath, [0], OnnxDevice.Cpu);
        Assert.Throws<ArgumentException>(() => capture.Run(new int[5], 2, 3));
    }
}
