using RlsEdit.World;
using Xunit;

namespace RlsEdit.Editing.Tests;

/// <summary>Edits the shipped tiny-world model (models/tiny-world) with its shipped hyper-parameters (keys and v* at the prompt's last token, block 2).</summary>
public sealed class ShippedModelTests
{
    internal static string ModelDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", "tiny-world");
            if (File.Exists(Path.Combine(candidate, "model.safetensors"))) return candidate;
        }
        throw new DirectoryNotFoundException("models/tiny-world was not found above the test's output folder.");
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
}
