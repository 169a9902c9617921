using Xunit;

namespace RlsEdit.Editing.Tests;

public sealed class HyperParameterTests
{
    // The field set of the reference RLSEdit Llama3-8B.json (values from docs: layers 4..8, w = 15000, λ = 0, μ = 1), plus an unknown field.
    private const string Reference = """
        { "layers": [4, 5, 6, 7, 8], "clamp_norm_factor": 0.75, "layer_selection": "all", "fact_token": "subject_last",
          "v_num_grad_steps": 25, "v_lr": 0.1, "v_loss_layer": 31, "v_weight_decay": 0.5, "kl_factor": 0.0625,
          "mom2_adjustment": true, "mom2_update_weight": 15000, "rewrite_module_tmp": "model.layers.{}.mlp.down_proj",
          "layer_module_tmp": "model.layers.{}", "mlp_module_tmp": "model.layers.{}.mlp", "attn_module_tmp": "model.layers.{}.self_attn",
          "ln_f_module": "model.norm", "lm_head_module": "lm_head", "mom2_dataset": "wikipedia", "mom2_n_samples": 100000,
          "mom2_dtype": "float32", "nullspace_threshold": 2e-2, "L2": 10, "lambda_reg": 0.5, "mu_reg": 2.0, "mystery_knob": 3 }
        """;

    private static string Write(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"hp-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void ReferenceFilesParseWithTheDocumentedMapping()
    {
        var hp = EditHyperParameters.Load(Write(Reference), out var warnings);
        Assert.Equal([4, 5, 6, 7, 8], hp.Layers);
        Assert.Equal(25, hp.VNumGradSteps);
        Assert.Equal(0.1, hp.VLr);
        Assert.Equal(31, hp.VLossLayer);
        Assert.Equal(0.0625, hp.KlFactor);
        Assert.Equal(100000, hp.Mom2NSamples);
        Assert.Equal(10, hp.L2);
        // α = λ², β = μ²·w.
        Assert.Equal(0.25, hp.RlsWeights.Alpha, 12);
        Assert.Equal(4.0 * 15000, hp.RlsWeights.Beta, 9);
        var warning = Assert.Single(warnings);
        Assert.Contains("mystery_knob", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "v_lr": 0.1 }""", "layers")]
    [InlineData("""{ "layers": [] }""", "layers")]
    [InlineData("""{ "layers": [3, 2] }""", "layers")]
    [InlineData("""{ "layers": [1], "v_lr": "fast" }""", "v_lr")]
    [InlineData("""{ "layers": [1], "fact_token": "subject_first" }""", "fact_token")]
    [InlineData("""{ "layers": [1], "clamp_norm_factor": -1 }""", "clamp_norm_factor")]
    public void BadFieldsAreNamed(string json, string field)
    {
        var e = Assert.Throws<EditInputException>(() => EditHyperParameters.Load(Write(json), out _));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayersAreCheckedAgainstTheModel()
    {
        var hp = new EditHyperParameters { Layers = [1, 4] };
        var e = Assert.Throws<EditInputException>(() => hp.ValidateFor(4));
        Assert.Contains("[0, 4)", e.Message, StringComparison.Ordinal);
        // The last edited layer must leave a later block for v* to reach the prediction.
        Assert.Throws<EditInputException>(() => new EditHyperParameters { Layers = [1, 3] }.ValidateFor(4));
        new EditHyperParameters { Layers = [1, 2] }.ValidateFor(4);
    }

    [Fact]
    public void WithoutAnExplicitFileTheModelFoldersDefaultIsUsed()
    {
        string model = Path.Combine(Path.GetTempPath(), $"hp-model-{Guid.NewGuid():N}");
        Directory.CreateDirectory(model);
        try
        {
            var missing = Assert.Throws<EditInputException>(() => EditHyperParameters.ResolvePath(null, model));
            Assert.Contains(EditHyperParameters.ModelDefaultFileName, missing.Message, StringComparison.Ordinal);
            string fallback = Path.Combine(model, EditHyperParameters.ModelDefaultFileName);
            File.WriteAllText(fallback, """{ "layers": [1] }""");
            Assert.Equal(fallback, EditHyperParameters.ResolvePath(null, model));
            Assert.Equal(fallback, EditHyperParameters.ResolvePath("", model));
            string other = Write("""{ "layers": [2] }""");
            Assert.Equal(other, EditHyperParameters.ResolvePath(other, model));
        }
        finally
        {
            Directory.Delete(model, recursive: true);
        }
    }

    [Fact]
    public void TheShippedModelsDefaultFileParsesCleanlyAndFitsTheModel()
    {
        string model = ShippedModelTests.ModelDirectory();
        var hp = EditHyperParameters.Load(EditHyperParameters.ResolvePath(null, model), out var warnings);
        Assert.Empty(warnings);
        hp.ValidateFor(RlsEdit.Models.ModelFolder.LoadConfig(model).LayerCount);
    }
}
