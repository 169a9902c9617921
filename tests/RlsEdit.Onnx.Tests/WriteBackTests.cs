using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Tests;

public sealed class WriteBackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-writeback-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Matrix<double> Random(int rows, int cols, int seed, double scale)
    {
        var rng = new Random(seed);
        var m = new Matrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = (rng.NextDouble() * 2 - 1) * scale;
        return m;
    }

    [Theory]
    [MemberData(nameof(Fixture.Names), MemberType = typeof(Fixture))]
    public void A_session_on_the_saved_file_reproduces_the_edit(string name)
    {
        var f = Fixture.Get(name);
        const int layer = 1;
        var model = OnnxGraph.Load(f.OnnxPath);
        var projection = OnnxGraph.FindDownProjection(model, layer);
        var before = OnnxWriteBack.ReadWeight(model, projection);
        var delta = Random(projection.InFeatures, projection.OutFeatures, 3, 0.05);
        string edited = Path.Combine(_dir, "edited.onnx");
        OnnxWriteBack.ApplyDelta(f.OnnxPath, edited, layer, delta.View);

        var after = OnnxWriteBack.ReadWeight(OnnxGraph.Load(edited), projection);
        for (int i = 0; i < before.Rows; i++)
            for (int j = 0; j < before.Cols; j++)
                Assert.Equal((float)(before[i, j] + delta[i, j]), after[i, j]);

        using var original = OnnxKeyCapture.Open(f.OnnxPath, [layer], OnnxDevice.Cpu);
        using var changed = OnnxKeyCapture.Open(edited, [layer], OnnxDevice.Cpu);
        var a = original.Run(f.Ids, f.Batch, f.Length);
        var b = changed.Run(f.Ids, f.Batch, f.Length);
        // Keys enter the edited projection, so they are unchanged; values move by K·ΔW.
        Assert.Equal(a.Keys[layer].Data, b.Keys[layer].Data);
        var keys = a.Keys[layer];
        var expected = new Matrix<double>(keys.Rows, projection.OutFeatures);
        for (int r = 0; r < keys.Rows; r++)
            for (int j = 0; j < expected.Cols; j++)
            {
                double v = a.Values[layer][r, j];
                for (int k = 0; k < keys.Cols; k++) v += keys[r, k] * delta[k, j];
                expected[r, j] = v;
            }
        Assert.True(Compare.RelativeMaxError(b.Values[layer].View, expected.View) < 1e-5);
        Assert.True(Compare.RelativeMaxError(b.Logits.View, a.Logits.View) > 1e-4, "the edit must change the logits");
    }

    [Fact]
    public void Gemm_with_transB_and_a_shared_initializer_is_edited_in_its_own_layout_only()
    {
        // X[?,8] → Gemm(transB=1, W[3,8]) → Y;  W is also a graph output (shared), so the edit must copy it.
        var g = new GraphProto { Name = "transb" };
        g.Input.Add(new ValueInfoProto { Name = "X", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        var w = Enumerable.Range(0, 24).Select(i => (i % 7 - 3) * 0.1f).ToArray();
        g.Initializer.Add(OnnxTensors.FromFloats("W", w, 3, 8));
        g.Node.Add(new NodeProto { Name = "/model/layers.0/mlp/down_proj/Gemm", OpType = "Gemm", Input = { "X", "W" }, Output = { "Y" },
            Attribute = { new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int } } });
        g.Node.Add(new NodeProto { Name = "copy", OpType = "Identity", Input = { "W" }, Output = { "W_out" } });
        g.Output.Add(new ValueInfoProto { Name = "Y" });
        g.Output.Add(new ValueInfoProto { Name = "W_out" });
        var model = new ModelProto { IrVersion = 8, Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });

        var p = OnnxGraph.FindDownProjection(model, 0);
        Assert.Equal((WeightLayout.OutIn, 8, 3), (p.Layout, p.InFeatures, p.OutFeatures));
        var delta = Random(8, 3, 9, 0.5);
        OnnxWriteBack.ApplyDelta(model, p, delta.View);

        var x = Random(2, 8, 4, 1.0);
        var xf = Array.ConvertAll(x.Data, v => (float)v);
        using var session = new InferenceSession(model.ToByteArray());
        using var input = OrtValue.CreateTensorValueFromMemory(xf, [2, 8]);
        using var outputs = session.Run(new RunOptions(), ["X"], [input], ["Y", "W_out"]);
        var y = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(w, outputs[1].GetTensorDataAsSpan<float>().ToArray()); // the shared reader still sees the original
        for (int r = 0; r < 2; r++)
            for (int j = 0; j < 3; j++)
            {
                double e = 0;
                for (int k = 0; k < 8; k++) e += xf[r * 8 + k] * ((double)w[j * 8 + k] + delta[k, j]);
                Assert.True(Math.Abs(y[r * 3 + j] - e) < 1e-5 * (1 + Math.Abs(e)), $"Y[{r},{j}] = {y[r * 3 + j]}, expected {e}");
            }
    }

    [Fact]
    public void Bad_deltas_are_rejected()
    {
        var model = OnnxGraph.Load(Fixture.Llama.OnnxPath);
        var p = OnnxGraph.FindDownProjection(model, 0);
        Assert.Throws<ShapeMismatchException>(() => OnnxWriteBack.ApplyDelta(model, p, new Matrix<double>(p.OutFeatures, p.InFeatures).View));
        var nan = new Matrix<double>(p.InFeatures, p.OutFeatures);
        nan[2, 3] = double.NaN;
        Assert.Throws<NonFiniteValueException>(() => OnnxWriteBack.ApplyDelta(model, p, nan.View));
    }
}
