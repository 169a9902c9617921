using Google.Protobuf;
using Onnx;

namespace RlsEdit.Onnx.Tests;

public class GraphLocatorTests
{
    [Fact]
    public void Gpt2_down_projections_are_the_c_proj_Gemms_with_in_out_weights()
    {
        var model = OnnxGraph.Load(Fixture.Gpt2.OnnxPath);
        var found = OnnxGraph.FindDownProjections(model);
        Assert.Equal([0, 1], found.Select(p => p.Layer));
        foreach (var p in found)
        {
            Assert.Equal("Gemm", p.OpType);
            Assert.EndsWith($"h.{p.Layer}/mlp/c_proj/Gemm", p.NodeName, StringComparison.Ordinal);
            Assert.Equal($"transformer.h.{p.Layer}.mlp.c_proj.weight", p.WeightName);
            Assert.Equal(WeightLayout.InOut, p.Layout);
            Assert.Equal((128, 32), (p.InFeatures, p.OutFeatures));
            Assert.Equal(p.ValueName, model.Graph.Node.Single(n => n.Name == p.NodeName).Output[0]);
        }
    }

    [Fact]
    public void Llama_down_projection_weight_is_found_through_the_node_not_its_name()
    {
        var model = OnnxGraph.Load(Fixture.Llama.OnnxPath);
        var p = OnnxGraph.FindDownProjection(model, 1);
        Assert.Equal("MatMul", p.OpType);
        Assert.StartsWith("onnx::MatMul_", p.WeightName, StringComparison.Ordinal);
        Assert.Equal(WeightLayout.InOut, p.Layout);
        Assert.Equal((48, 32), (p.InFeatures, p.OutFeatures));
    }

    [Fact]
    public void Malformed_bytes_give_a_typed_error_naming_the_source()
    {
        var e = Assert.Throws<OnnxModelException>(() => OnnxGraph.Parse([0xFF, 0xFF, 0xFF, 0x01, 0x02], "junk.onnx"));
        Assert.Contains("junk.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("ModelProto", e.Message, StringComparison.Ordinal);
        Assert.Throws<OnnxModelException>(() => OnnxGraph.Parse([], "empty.onnx"));
    }

    [Fact]
    public void A_graph_without_an_mlp_names_what_was_looked_for()
    {
        var model = TinyGraphs.Relu(out _);
        var e = Assert.Throws<OnnxModelException>(() => OnnxGraph.FindDownProjections(model, "tiny"));
        Assert.Contains("mlp/c_proj/Gemm", e.Message, StringComparison.Ordinal);
        Assert.Contains("mlp/down_proj/MatMul", e.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<OnnxModelException>(() => OnnxGraph.FindDownProjection(OnnxGraph.Load(Fixture.Gpt2.OnnxPath), 7));
        Assert.Contains("layer 7", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gemm_transB_and_Transpose_fed_weights_are_out_in()
    {
        var model = TinyGraphs.Relu(out _);
        var w = OnnxTensors.FromFloats("w_out_in", new float[8 * 3], 3, 8);
        model.Graph.Initializer.Add(w);
        model.Graph.Node.Add(new NodeProto { Name = "/model/layers.0/mlp/down_proj/Gemm", OpType = "Gemm", Input = { "hidden_relu", "w_out_in" }, Output = { "g" },
            Attribute = { new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int } } });
        model.Graph.Node.Add(new NodeProto { Name = "/model/layers.1/mlp/down_proj/Transpose", OpType = "Transpose", Input = { "w_out_in" }, Output = { "wt" } });
        model.Graph.Node.Add(new NodeProto { Name = "/model/layers.1/mlp/down_proj/MatMul", OpType = "MatMul", Input = { "hidden_relu", "wt" }, Output = { "m" } });
        var found = OnnxGraph.FindDownProjections(model);
        Assert.All(found, p => Assert.Equal((WeightLayout.OutIn, "w_out_in", 8, 3), (p.Layout, p.WeightName, p.InFeatures, p.OutFeatures)));
    }

    [Fact]
    public void Save_then_load_round_trips_the_bytes()
    {
        var model = OnnxGraph.Load(Fixture.Llama.OnnxPath);
        string path = Path.Combine(Path.GetTempPath(), $"rlsedit-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxGraph.Save(model, path);
            Assert.Equal(model.ToByteArray(), OnnxGraph.Load(path).ToByteArray());
        }
        finally { File.Delete(path); }
    }
}

internal static class TinyGraphs
{
    /// <summary>X[1,4] → MatMul W1[4,8] → Relu: a valid graph with no transformer MLP.</summary>
    public static ModelProto Relu(out float[] w1)
    {
        w1 = Enumerable.Range(0, 32).Select(i => (i % 5 - 2) * 0.25f).ToArray();
        var g = new GraphProto { Name = "tiny" };
        g.Input.Add(new ValueInfoProto { Name = "X", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        g.Initializer.Add(OnnxTensors.FromFloats("W1", w1, 4, 8));
        g.Node.Add(new NodeProto { Name = "mm", OpType = "MatMul", Input = { "X", "W1" }, Output = { "H" } });
        g.Node.Add(new NodeProto { Name = "relu", OpType = "Relu", Input = { "H" }, Output = { "hidden_relu" } });
        g.Output.Add(new ValueInfoProto { Name = "hidden_relu" });
        var m = new ModelProto { IrVersion = 8, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return m;
    }
}
