using RlsEdit.Models;
using Xunit;

namespace RlsEdit.Editing.Tests;

[Collection(TinyWorldCollection.Name)]
public sealed class EndToEndTests(TinyWorldModel tiny)
{
    private EditRunOptions Options(EditorKind editor, int count, string outDir) => new()
    {
        ModelDirectory = tiny.ModelDirectory,
        Cases = tiny.Cases.Take(count).ToList(),
        HyperParameters = TinyWorldModel.HyperParameters,
        Editor = editor,
        BatchSize = 2,
        OutputDirectory = outDir,
        StatisticsTexts = tiny.CorpusTexts,
        HeldOut = tiny.HeldOut,
        CheckpointEvery = 2,
        EvaluateEvery = 4,
        FluencyCases = 2,
    };

    [Fact]
    public void RlsEditEditsTakeAndTheRunFolderIsComplete()
    {
        string dir = tiny.NewRunDirectory();
        var summary = EditRun.Run(Options(EditorKind.RlsEdit, 8, dir))!;
        Assert.NotNull(summary);
        // The 120-step model caps how far v* can move its output (its logit scale is small), so "edits take" is
        // asserted as a clear gain, not as the ≥ 95 % the shipped model reaches (docs/results.md).
        Assert.True(summary.Post.RewriteSuccess >= summary.Pre.RewriteSuccess + 25, $"efficacy {summary.Pre.RewriteSuccess} → {summary.Post.RewriteSuccess}");
        Assert.True(summary.Post.RewriteDiff > summary.Pre.RewriteDiff, $"efficacy magnitude {summary.Pre.RewriteDiff} → {summary.Post.RewriteDiff}");
        // Keys read at the last prompt token of a weak model are alike across prompts, so its general ability is not a
        // fair check here (held-out perplexity rises); preservation is asserted on the shipped model (ShippedModelTests).
        Assert.True(double.IsFinite(summary.GeneralPost!.Perplexity) && summary.GeneralPre!.Facts == tiny.HeldOut.Facts.Count);
        Assert.Equal([4, 8], summary.Stream.Select(p => p.Edits));
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
        Assert.Equal(8, Directory.GetFiles(Path.Combine(dir, "results"), "case_*.json").Length);
        Assert.NotNull(summary.Post.NgramEntropy);
        // The saved model reloads with the edit in place.
        var edited = ModelFolder.Load<float>(Path.Combine(dir, "model"));
        var encoder = new PromptEncoder(ModelTokenizer.Load(Path.Combine(dir, "model")));
        var reloaded = EvaluationSummary.From(CounterFactEvaluator.Evaluate(edited, encoder, tiny.Cases.Take(8).ToList()));
        Assert.Equal(summary.Post.RewriteSuccess, reloaded.RewriteSuccess);
    }

    [Fact]
    public void ResumedRunEqualsUninterruptedRun()
    {
        string full = tiny.NewRunDirectory(), split = tiny.NewRunDirectory();
        var a = EditRun.Run(Options(EditorKind.RlsEdit, 6, full) with { HeldOut = null, FluencyCases = 0 })!;
        var stopped = EditRun.Run(Options(EditorKind.RlsEdit, 6, split) with { HeldOut = null, FluencyCases = 0, StopAfter = 4 });
        Assert.Null(stopped);
        Assert.True(File.Exists(Path.Combine(split, "checkpoint", "state.json")));
        var b = EditRun.Run(Options(EditorKind.RlsEdit, 6, split) with { HeldOut = null, FluencyCases = 0, Resume = true })!;
        Assert.Equal(a.Post, b.Post);
        Assert.Equal(a.Stream, b.Stream);
        var ma = ModelFolder.Load<float>(Path.Combine(full, "model"));
        var mb = ModelFolder.Load<float>(Path.Combine(split, "model"));
        foreach (int layer in TinyWorldModel.HyperParameters.Layers)
        {
            string name = ParameterLayout.DownProjection(ma.Config, layer);
            Assert.Equal(ma.Parameter(name).Value.Data, mb.Parameter(name).Value.Data);
        }
    }

    [Theory]
    [InlineData(EditorKind.Memit)]
    [InlineData(EditorKind.AlphaEdit)]
    [InlineData(EditorKind.FineTune)]
    public void BaselinesRunThroughThePipeline(EditorKind editor)
    {
        var summary = EditRun.Run(Options(editor, 4, tiny.NewRunDirectory()) with { HeldOut = null, FluencyCases = 0, SaveModel = false })!;
        Assert.Equal(4, summary.Edits);
        Assert.True(double.IsFinite(summary.Post.RewriteSuccess));
        if (editor == EditorKind.Memit)
            Assert.True(summary.Post.RewriteDiff > summary.Pre.RewriteDiff, $"MEMIT efficacy magnitude {summary.Pre.RewriteDiff} → {summary.Post.RewriteDiff}");
    }
}
