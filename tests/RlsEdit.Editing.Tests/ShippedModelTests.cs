using RlsEdit.World;
using Xunit;

namespace RlsEdit.Editing.Tests;

/// <summary>
/// Edits the shipped models with their shipped hyper-parameters: models/tiny-world (keys and v* at the prompt's last
/// token, block 2) and models/tiny-world-wide (the demo's model: last token, block 3).
/// </summary>
public sealed class ShippedModelTests
{
    internal static string ModelDirectory(string name = "tiny-world")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", name);
            if (File.Exists(Path.Combine(candidate, "model.safetensors"))) return candidate;
        }
        throw new DirectoryNotFoundException($"models/{name} was not found above the test's output folder.");
    }

    // The shipped values (models/tiny-world/rlsedit-hparams.json, tuned for 100-edit streams), with fewer statistics texts to
    // keep the test short.
    internal static EditHyperParameters TinyWorldHyperParameters =>
        EditHyperParameters.Load(EditHyperParameters.ResolvePath(null, ModelDirectory()), out _) with { Mom2NSamples = 400 };

    [Fact]
    public void RlsEditEditsTakeAndNeighboursAreKept()
    {
        string model = ModelDirectory();
        var world = FactWorld.Generate(WorldFile.ReadSeed(Path.Combine(model, WorldFile.FileName)));
        var cases = EditSetGenerator.Generate(world, 6, seed: 1);
        string dir = Path.Combine(Path.GetTempPath(), $"rlsedit-shipped-{Guid.NewGuid():N}");
        try
        {
            var summary = EditRun.Run(new EditRunOptions
            {
                ModelDirectory = model, Cases = cases, HyperParameters = TinyWorldHyperParameters, Editor = EditorKind.RlsEdit,
                BatchSize = 3, OutputDirectory = dir, StatisticsTexts = StatisticsCorpus.Load(model, null, 400),
                CheckpointEvery = 0, FluencyCases = 0, SaveModel = false,
            })!;
            // 5 of 6 edits must take (83 %; the 100-edit stream measures 86 %, docs/results.md) and neighbours stay within 15 points.
            Assert.True(summary.Post.RewriteSuccess >= 83 && summary.Post.RewriteSuccess >= summary.Pre.RewriteSuccess + 80, $"efficacy {summary.Pre.RewriteSuccess} → {summary.Post.RewriteSuccess}");
            Assert.True(summary.Post.NeighborhoodSuccess >= summary.Pre.NeighborhoodSuccess - 15,
                $"neighbourhood {summary.Pre.NeighborhoodSuccess} → {summary.Post.NeighborhoodSuccess}");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void WideModelMeetsTheEditingTargetsOnAShortStream()
    {
        string model = ModelDirectory("tiny-world-wide");
        // The shipped file with a quarter of its statistics texts, to keep the test short (the held-out margin below
        // is measured with the full 8 000 in docs/results.md).
        var hp = EditHyperParameters.Load(EditHyperParameters.ResolvePath(null, model), out _) with { Mom2NSamples = 2000 };
        var world = FactWorld.Generate(WorldFile.ReadSeed(Path.Combine(model, WorldFile.FileName)));
        var cases = EditSetGenerator.Generate(world, 100, seed: 6);
        var heldOut = EditSetGenerator.HeldOut(world, cases, seed: 6, textCount: 20);
        string dir = Path.Combine(Path.GetTempPath(), $"rlsedit-shipped-wide-{Guid.NewGuid():N}");
        try
        {
            var summary = EditRun.Run(new EditRunOptions
            {
                ModelDirectory = model, Cases = cases, HyperParameters = hp, Editor = EditorKind.RlsEdit, BatchSize = 10,
                OutputDirectory = dir, StatisticsTexts = StatisticsCorpus.Load(model, null, hp.Mom2NSamples), HeldOut = heldOut,
                CheckpointEvery = 0, FluencyCases = 0, SaveModel = false,
            })!;
            // Issue #8's targets on one 100-edit stream (docs/results.md: six edit seeds). `rlsedit edit` on this stream with
            // 2 000 statistics texts measured 100 / 85.5 / 97.5 / 100 / −1.6, so every bound has a margin.
            Assert.True(summary.Post.RewriteSuccess >= 95, $"efficacy {summary.Post.RewriteSuccess}");
            Assert.True(summary.Post.ParaphraseSuccess >= 80, $"paraphrase {summary.Post.ParaphraseSuccess}");
            Assert.True(summary.Post.NeighborhoodSuccess >= 70, $"neighbourhood {summary.Post.NeighborhoodSuccess}");
            Assert.True(summary.Stream[^1].RetentionRewriteSuccess >= 90, $"retention {summary.Stream[^1].RetentionRewriteSuccess}");
            double before = summary.GeneralPre!.FactAccuracy, after = summary.GeneralPost!.FactAccuracy;
            Assert.True(after >= before - 5, $"held-out facts {before} → {after}");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
