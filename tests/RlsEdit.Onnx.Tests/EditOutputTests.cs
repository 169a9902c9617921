using System.Text.Json;
using RlsEdit.Cli;
using RlsEdit.Editing;
using RlsEdit.Models;
using RlsEdit.World;

namespace RlsEdit.Onnx.Tests;

/// <summary>
/// <c>rlsedit edit --out-onnx</c> on a ZsRE file: the edited shipped tiny-world model, written as ONNX, runs under ONNX Runtime like
/// the edited model, and the run reports MEMIT's ZsRE accuracies.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class EditOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-edit-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private static string ShippedModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", "tiny-world");
            if (File.Exists(Path.Combine(candidate, "model.safetensors"))) return candidate;
        }
        throw new DirectoryNotFoundException("models/tiny-world was not found above the test's output folder.");
    }

    /// <summary>Two cases of the shipped model's world, written in the MEMIT-shaped ZsRE layout (edited to <c>alt</c>), and hyper-parameters.</summary>
    private (string Edits, string HyperParameters, IReadOnlyList<CounterFactRecord> Cases) Inputs(string model)
    {
        var world = FactWorld.Generate(WorldFile.ReadSeed(Path.Combine(model, WorldFile.FileName)));
        var cases = EditSetGenerator.Generate(world, 2, seed: 3);
        var zsre = cases.Select(c => new Dictionary<string, object>
        {
            ["subject"] = c.RequestedRewrite.Subject,
            ["src"] = Relation.Fill(c.RequestedRewrite.Prompt, c.RequestedRewrite.Subject),
            ["rephrase"] = c.ParaphrasePrompts[0],
            ["alt"] = c.RequestedRewrite.TargetNew.Str,
            ["answers"] = new[] { c.RequestedRewrite.TargetTrue.Str },
            ["loc"] = c.NeighborhoodPrompts[0],
            ["loc_ans"] = c.RequestedRewrite.TargetTrue.Str,
        });
        File.WriteAllText(P("edits.json"), JsonSerializer.Serialize(zsre));
        File.WriteAllText(P("h.json"), """
            { "layers": [0, 1], "clamp_norm_factor": 10, "fact_token": "subject_last", "v_num_grad_steps": 15, "v_lr": 2.0,
              "v_weight_decay": 0.1, "kl_factor": 0.0625, "mom2_update_weight": 1000, "mom2_n_samples": 200, "lambda_reg": 0, "mu_reg": 1.0 }
            """);
        return (P("edits.json"), P("h.json"), ZsreCases.Load(P("edits.json"), ZsreTarget.Alt));
    }

    [Fact]
    public void The_onnx_file_gives_the_edited_models_logits()
    {
        string model = ShippedModel();
        var (edits, hparams, cases) = Inputs(model);
        string run = P("run"), onnx = P("out/edited.onnx");
        Assert.Equal(0, Program.Main(["edit", "--model", model, "--edits", edits, "--hparams", hparams, "--batch-size", "2", "--out", run,
            "--checkpoint-every", "0", "--fluency", "0", "--zsre-target", "alt", "--out-onnx", onnx]));
        Assert.Empty(Directory.GetFiles(P("out"), "*.tmp"));

        // The ZsRE file was recognised: its accuracies are written under their ZsRE names, from the run's token accuracies.
        var summary = EditJson.Read<RunSummary>(Path.Combine(run, "summary.json"));
        using (var zsre = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, ZsreMetrics.FileName))))
        {
            var post = zsre.RootElement.GetProperty("post");
            Assert.Equal(summary.Post.TokenAccuracy.Rewrite, post.GetProperty("rewrite_acc").GetDouble(), 9);
            Assert.Equal(summary.Post.TokenAccuracy.Locality, post.GetProperty("neighborhood_acc").GetDouble(), 9);
        }

        var edited = ModelFolder.Load<float>(Path.Combine(run, "model"));
        var original = ModelFolder.Load<float>(model);
        var encoder = new PromptEncoder(ModelTokenizer.Load(model));
        var rewrite = cases[0].RequestedRewrite;
        int[] ids = [.. encoder.EncodeWithSubject(rewrite.Prompt, rewrite.Subject).Ids, .. encoder.EncodeTarget(rewrite.TargetNew.Str)];
        var expected = edited.Forward(TokenBatch.Single(ids)).Logits;
        using var capture = OnnxKeyCapture.Open(onnx, device: OnnxDevice.Cpu);
        var actual = capture.Run(ids, 1, ids.Length).Logits;
        Assert.True(Compare.RelativeMaxError(actual.View, expected.View) < 1e-4);
        // The file holds the edit, not the original weights: the logits moved by far more than the tolerance.
        var before = original.Forward(TokenBatch.Single(ids)).Logits;
        Assert.True(Compare.RelativeMaxError(actual.View, before.View) > 1e-2);
    }

    [Fact]
    public void Eval_of_a_zsre_file_reports_the_zsre_accuracies()
    {
        string model = ShippedModel();
        var (edits, _, _) = Inputs(model);
        Assert.Equal(0, Program.Main(["eval", "--model", model, "--edits", edits, "--out", P("eval"), "--fluency", "0", "--zsre-target", "alt"]));
        using var summary = JsonDocument.Parse(File.ReadAllText(P("eval/summary.json")));
        var tokens = summary.RootElement.GetProperty("metrics").GetProperty("easyedit_token_accuracy");
        var zsre = summary.RootElement.GetProperty("zsre");
        Assert.Equal(tokens.GetProperty("rewrite_acc").GetDouble(), zsre.GetProperty("rewrite_acc").GetDouble(), 9);
        Assert.Equal(tokens.GetProperty("rephrase_acc").GetDouble(), zsre.GetProperty("paraphrase_acc").GetDouble(), 9);
        Assert.Equal(tokens.GetProperty("locality_acc").GetDouble(), zsre.GetProperty("neighborhood_acc").GetDouble(), 9);
        // Read as CounterFact, the same file has no requested_rewrite; an unknown layout name is refused too.
        Assert.Equal(2, Program.Main(["eval", "--model", model, "--edits", edits, "--out", P("eval2"), "--format", "counterfact"]));
        Assert.Equal(2, Program.Main(["eval", "--model", model, "--edits", edits, "--out", P("eval3"), "--format", "mquake"]));
    }

    [Fact]
    public void A_target_that_is_not_an_onnx_file_is_refused_before_editing()
    {
        string model = ShippedModel();
        var (edits, hparams, _) = Inputs(model);
        Assert.Equal(2, Program.Main(["edit", "--model", model, "--edits", edits, "--hparams", hparams, "--out", P("a"), "--out-onnx", P("edited.bin")]));
        Assert.False(Directory.Exists(P("a")));
    }
}
