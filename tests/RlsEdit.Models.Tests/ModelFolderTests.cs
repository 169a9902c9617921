using System.Text.Json.Nodes;
using RlsEdit.Models.Safetensors;
using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Models.Tests;

public sealed class ModelFolderTests
{
    private static void EditConfig(string dir, Action<JsonObject> edit)
    {
        string path = Path.Combine(dir, "config.json");
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    [Fact]
    public void ConfigsAreNormalisedAcrossModelTypes()
    {
        var gpt2 = ModelFolder.LoadConfig(Fixture.PathOf("gpt2-tiny"));
        Assert.Equal((ModelArchitecture.Gpt2, 96, 32, 2, 4, 8, 128, 24, true), (gpt2.Architecture, gpt2.VocabSize, gpt2.HiddenSize, gpt2.LayerCount, gpt2.HeadCount, gpt2.HeadDim, gpt2.IntermediateSize, gpt2.MaxSequenceLength, gpt2.TieWordEmbeddings));
        var qwen = ModelFolder.LoadConfig(Fixture.PathOf("qwen2-tiny"));
        Assert.Equal((ModelArchitecture.Llama, 2, 8, true, false, 1e6), (qwen.Architecture, qwen.KeyValueHeadCount, qwen.HeadDim, qwen.QkvBias, qwen.OutputBias, qwen.RopeTheta));
        var llama = ModelFolder.LoadConfig(Fixture.PathOf("llama-tiny"));
        Assert.False(llama.QkvBias);
        Assert.False(llama.TieWordEmbeddings);
    }

    [Theory]
    [InlineData("gpt2-tiny", "n_embd")]
    [InlineData("gpt2-tiny", "vocab_size")]
    [InlineData("llama-tiny", "intermediate_size")]
    [InlineData("qwen2-tiny", "num_hidden_layers")]
    [InlineData("llama-tiny", "model_type")]
    public void MissingConfigFieldsAreTypedErrors(string fixture, string field)
    {
        string dir = Fixture.CopyToTemp(fixture);
        EditConfig(dir, c => c.Remove(field));
        var e = Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void UnsupportedConfigsAreTypedErrors()
    {
        string dir = Fixture.CopyToTemp("llama-tiny");
        EditConfig(dir, c => c["rope_scaling"] = JsonNode.Parse("""{"rope_type":"yarn","factor":8.0}"""));
        Assert.Contains("rope_scaling", Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir)).Message);
        EditConfig(dir, c => { c.Remove("rope_scaling"); c["num_key_value_heads"] = 3; });
        Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir));
        EditConfig(dir, c => { c["num_key_value_heads"] = 2; c["model_type"] = "bert"; });
        Assert.Contains("bert", Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir)).Message);
        EditConfig(dir, c => { c["model_type"] = "llama"; c["hidden_size"] = "32"; });
        Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir));
        Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(Fixture.TempDirectory("empty")));
    }

    [Fact]
    public void RopeScalingIsReadAndIncompleteScalingIsATypedError()
    {
        var scaled = ModelFolder.LoadConfig(Fixture.PathOf("llama3-rope-scaled"));
        Assert.Equal(new RopeScaling("llama3", 8, 1, 8, 128), scaled.RopeScaling);
        Assert.Equal(new RopeScaling("linear", 4), ModelFolder.LoadConfig(Fixture.PathOf("llama-rope-linear")).RopeScaling);
        string dir = Fixture.CopyToTemp("llama3-rope-scaled");
        EditConfig(dir, c => c["rope_scaling"]!.AsObject().Remove("low_freq_factor"));
        Assert.Contains("low_freq_factor", Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir)).Message);
        // Without the scaling the same weights give different logits: the golden match depends on it.
        var f = Fixture.Load("llama3-rope-scaled");
        EditConfig(dir, c => c.Remove("rope_scaling"));
        Assert.True(Compare.RelativeError(ModelFolder.Load<float>(dir).Forward(TokenBatch.Single(f.TokenIds)).Logits.View, f.Logits) > 1e-3);
    }

    [Fact]
    public void QwenSlidingWindowCapsTheContext()
    {
        string dir = Fixture.CopyToTemp("qwen2-tiny");
        EditConfig(dir, c => { c["use_sliding_window"] = true; c["sliding_window"] = 20; });
        Assert.Equal(20, ModelFolder.LoadConfig(dir).MaxSequenceLength);
        Assert.Equal(64, ModelFolder.LoadConfig(Fixture.PathOf("qwen2-tiny")).MaxSequenceLength);
    }

    [Fact]
    public void MistralConfigsRunTheLlamaBlocks()
    {
        var f = Fixture.Load("llama-tiny");
        string dir = Fixture.CopyToTemp("llama-tiny");
        EditConfig(dir, c => { c["model_type"] = "mistral"; c["sliding_window"] = 16; });
        var model = ModelFolder.Load<float>(dir);
        Assert.Equal(16, model.Config.MaxSequenceLength);
        Compare.Close(model.Forward(TokenBatch.Single(f.TokenIds)).Logits.View, f.Logits, 1e-4, "mistral logits");
    }

    [Fact]
    public void ConfigThatDisagreesWithTheWeightsNamesTheTensor()
    {
        string dir = Fixture.CopyToTemp("gpt2-tiny");
        EditConfig(dir, c => c["n_inner"] = 64);
        var e = Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir));
        Assert.Contains("mlp.c_fc.weight", e.Message);
        Assert.Contains("[32, 128]", e.Message);
    }

    [Fact]
    public void MissingAndUnexpectedTensorsAreTypedErrors()
    {
        string dir = Fixture.CopyToTemp("gpt2-tiny");
        EditConfig(dir, c => c["tie_word_embeddings"] = false);
        Assert.Contains("lm_head.weight", Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir)).Message);

        string llama = Fixture.CopyToTemp("llama-tiny");
        File.Delete(Path.Combine(llama, "model-00002-of-00002.safetensors"));
        Assert.Contains("does not exist", Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(llama)).Message);
    }

    [Fact]
    public void ShardIndexCannotEscapeTheFolder()
    {
        string dir = Fixture.CopyToTemp("llama-tiny");
        string index = Path.Combine(dir, ModelFolder.IndexFile);
        File.WriteAllText(index, File.ReadAllText(index).Replace("model-00001-of-00002.safetensors", "../evil.safetensors", StringComparison.Ordinal));
        Assert.Throws<ModelFormatException>(() => ModelFolder.Load<float>(dir));
    }

    [Fact]
    public void LoadKeepsFileDTypesNamesAndTiedHead()
    {
        var gpt2 = ModelFolder.Load<float>(Fixture.PathOf("gpt2-tiny"));
        Assert.All(gpt2.Parameters, p => Assert.StartsWith("transformer.", p.Name));
        Assert.DoesNotContain(gpt2.Parameters, p => p.Name.Contains("lm_head", StringComparison.Ordinal));
        var f16 = ModelFolder.Load<float>(Fixture.PathOf("gpt2-untied-f16"));
        Assert.All(f16.Parameters, p => Assert.Equal(SafetensorsDType.F16, p.StorageDType));
        Assert.Contains(f16.Parameters, p => p.Name == "lm_head.weight");
        var llama = ModelFolder.Load<float>(Fixture.PathOf("llama-tiny"));
        Assert.All(llama.Parameters, p => Assert.Equal(SafetensorsDType.BF16, p.StorageDType));
    }

    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("llama-tiny")]
    [InlineData("gpt2-untied-f16")]
    public void SavedFolderReloadsWithTheEditAndTheSameLayout(string name)
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf(name));
        var down = model.Parameter(ParameterLayout.DownProjection(model.Config, 1));
        down.Value[0, 0] = 0.75f; // exactly representable in F16 and BF16, so the round trip is exact
        down.Value[1, 2] = -1.25f;
        string target = Fixture.TempPath("saved");
        ModelFolder.Save(model, Fixture.PathOf(name), target);

        Assert.Equal(Directory.GetFiles(Fixture.PathOf(name)).Select(Path.GetFileName).Order(),
            Directory.GetFiles(target).Select(Path.GetFileName).Order());
        var reloaded = ModelFolder.Load<float>(target);
        foreach (var p in model.Parameters)
            Assert.Equal(p.Value.Data, reloaded.Parameters.Single(q => q.Name == p.Name).Value.Data);
        Assert.Equal(-1.25f, reloaded.Parameter(ParameterLayout.DownProjection(model.Config, 1)).Value[1, 2]);
        foreach (var file in Directory.GetFiles(Fixture.PathOf(name), "*.safetensors"))
        {
            using var a = SafetensorsFile.Open(file);
            using var b = SafetensorsFile.Open(Path.Combine(target, Path.GetFileName(file)));
            Assert.Equal(a.Tensors.Select(t => (t.Name, t.DTypeName, string.Join(",", t.Shape), t.End - t.Begin)),
                b.Tensors.Select(t => (t.Name, t.DTypeName, string.Join(",", t.Shape), t.End - t.Begin)));
            foreach (var t in a.Tensors.Where(t => t.Name.EndsWith(".attn.bias", StringComparison.Ordinal)))
                Assert.Equal(a.RawBytes(t).ToArray(), b.RawBytes(b.Get(t.Name)).ToArray());
        }
    }

    [Fact]
    public void SavingOverTheSourceFolderIsAtomicAndLeavesNoTemporaries()
    {
        string dir = Fixture.CopyToTemp("qwen2-tiny");
        var model = ModelFolder.Load<float>(dir);
        model.Parameter("model.norm.weight").Value[0, 3] = 7f;
        ModelFolder.Save(model, dir, dir);
        Assert.Equal(7f, ModelFolder.Load<float>(dir).Parameter("model.norm.weight").Value[0, 3]);
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateRejectsMisShapedParameters()
    {
        var config = ModelFolder.LoadConfig(Fixture.PathOf("gpt2-tiny"));
        var model = TransformerModel<float>.CreateRandom(config, seed: 1);
        var parameters = model.ParametersByCanonicalName.ToDictionary();
        parameters["ln_f.bias"] = new Parameter<float>("ln_f.bias", [31], SafetensorsDType.F32, new Matrix<float>(1, 31));
        Assert.Throws<ShapeMismatchException>(() => TransformerModel<float>.Create(config, parameters));
        parameters.Remove("ln_f.bias");
        Assert.Throws<ArgumentException>(() => TransformerModel<float>.Create(config, parameters));
    }
}
