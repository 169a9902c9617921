using RlsEdit.Models;
using RlsEdit.World;
using RlsEdit.World.Training;
using Xunit;

namespace RlsEdit.World.Tests;

public class ShippedModelTests
{
    private static string ModelDirectory(string name = "tiny-world")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RlsEdit.Tensors.sln")))
                return Path.Combine(dir.FullName, "models", name);
        throw new DirectoryNotFoundException("no RlsEdit.Tensors.sln above the test binaries");
    }

    [Theory]
    [InlineData("tiny-world")]
    [InlineData("tiny-world-wide")]
    public void ShippedModelReproducesItsRecordedAccuracyOnTheHeldOutSubset(string name)
    {
        string dir = ModelDirectory(name);
        var recorded = FactAccuracyReport.Load(Path.Combine(dir, FactAccuracyReport.FileName));
        var world = FactWorld.Generate(WorldFile.ReadSeed(Path.Combine(dir, WorldFile.FileName)));
        Assert.Equal(recorded.WorldSeed, world.Seed);
        var tokenizer = WorldTokenizer.Build(world);
        // The shipped tokenizer is the one the generator builds for this seed.
        Assert.Equal(tokenizer.ToJson(), File.ReadAllBytes(Path.Combine(dir, "tokenizer.json")));
        var model = ModelFolder.Load<float>(dir);
        Assert.Equal(tokenizer.VocabSize, model.Config.VocabSize);
        var subset = FactEvaluator.Subset(FactEvaluator.HeldOutPrompts(world), recorded.SubsetStride);
        Assert.Equal(recorded.HeldOutSubsetPrompts, subset.Count);
        double accuracy = FactEvaluator.Accuracy(model, tokenizer, subset);
        Assert.InRange(accuracy, recorded.HeldOutSubsetAccuracy - 0.005, recorded.HeldOutSubsetAccuracy + 0.005);
    }

    [Theory]
    [InlineData("tiny-world")]
    [InlineData("tiny-world-wide")]
    public void ShippedModelMeetsTheHeldOutTargetAndItsWorldFileListsTheCodesPhrasings(string name)
    {
        string dir = ModelDirectory(name);
        var recorded = FactAccuracyReport.Load(Path.Combine(dir, FactAccuracyReport.FileName));
        Assert.True(recorded.HeldOutAccuracy >= 0.95, $"recorded held-out accuracy {recorded.HeldOutAccuracy:P2} is below the 95 % target");
        // eval.json was measured with the phrasings the code defines, which world.json records: a stale file would not match.
        using var shipped = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, WorldFile.FileName)));
        var relations = shipped.RootElement.GetProperty("relations");
        foreach (var code in Relations.All)
        {
            var recordedRelation = relations.GetProperty(code.Id);
            Assert.Equal(code.TrainingTemplates, recordedRelation.GetProperty("training_templates").EnumerateArray().Select(e => e.GetString()!));
            Assert.Equal(code.HeldOutTemplates, recordedRelation.GetProperty("held_out_templates").EnumerateArray().Select(e => e.GetString()!));
        }
    }

    [Fact]
    public void PerPhrasingAccuraciesAddUpToTheRecordedTotals()
    {
        string dir = ModelDirectory();
        var recorded = FactAccuracyReport.Load(Path.Combine(dir, FactAccuracyReport.FileName));
        var world = FactWorld.Generate(recorded.WorldSeed);
        var rows = FactEvaluator.ByPhrasing(ModelFolder.Load<float>(dir), WorldTokenizer.Build(world), world);

        Assert.Equal(Relations.All.Sum(r => r.TrainingTemplates.Count + r.HeldOutTemplates.Count), rows.Count);
        Assert.All(rows, r => Assert.Equal(world.Facts.Count(f => f.Relation.Id == r.RelationId), r.Prompts));
        var heldOut = rows.Where(r => r.HeldOut).ToList();
        var training = rows.Where(r => !r.HeldOut).ToList();
        Assert.Equal(recorded.HeldOutPrompts, heldOut.Sum(r => r.Prompts));
        Assert.Equal(recorded.HeldOutAccuracy, heldOut.Sum(r => r.Accuracy * r.Prompts) / recorded.HeldOutPrompts, 9);
        Assert.Equal(recorded.TrainingPhrasingAccuracy, training.Sum(r => r.Accuracy * r.Prompts) / training.Sum(r => r.Prompts), 9);
        // The model card's claim: no held-out sentence shape is a blind spot.
        Assert.All(heldOut, r => Assert.True(r.Accuracy >= 0.8, $"{r.RelationId} '{r.Template}': {r.Accuracy:P1}"));
    }

    [Fact]
    public void OneScoringGivesWhatSeparateEvaluationsGive()
    {
        string dir = ModelDirectory();
        var world = FactWorld.Generate(WorldFile.ReadSeed(Path.Combine(dir, WorldFile.FileName)));
        var model = ModelFolder.Load<float>(dir);
        var tokenizer = WorldTokenizer.Build(world);
        var score = FactEvaluator.Score(model, tokenizer, world);
        var report = score.Report();
        // Oracle: each quantity evaluated on its own prompt list (other batches, other padding).
        var heldOut = FactEvaluator.HeldOutPrompts(world);
        Assert.Equal(FactEvaluator.Accuracy(model, tokenizer, FactEvaluator.Subset(heldOut, report.SubsetStride)), report.HeldOutSubsetAccuracy, 12);
        Assert.Equal(FactEvaluator.Accuracy(model, tokenizer, FactEvaluator.TrainingPrompts(world)), report.TrainingPhrasingAccuracy, 12);
        foreach (var row in score.ByPhrasing().Where(r => r.RelationId is "citizenship" or "plays_instrument"))
        {
            var prompts = world.Facts.Where(f => f.Relation.Id == row.RelationId)
                .Select(f => new FactPrompt(Relation.Fill(row.Template, f.Subject), f.Subject, row.RelationId, f.Object)).ToList();
            Assert.Equal(prompts.Count, row.Prompts);
            Assert.Equal(FactEvaluator.Accuracy(model, tokenizer, prompts), row.Accuracy, 12);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => score.Report(stride: 0));
    }

    [Theory]
    [InlineData("tiny-world")]
    [InlineData("tiny-world-wide")]
    public void ShippedFolderStaysSmall(string name)
    {
        long bytes = new DirectoryInfo(ModelDirectory(name)).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.InRange(bytes, 1, 20L * 1024 * 1024);
    }

    [Fact]
    public void TheWideModelDiffersOnlyInItsMlpWidth()
    {
        var narrow = ModelFolder.LoadConfig(ModelDirectory());
        var wide = ModelFolder.LoadConfig(ModelDirectory("tiny-world-wide"));
        Assert.Equal(512, narrow.IntermediateSize);
        Assert.Equal(2048, wide.IntermediateSize);
        Assert.Equal(narrow with { IntermediateSize = wide.IntermediateSize }, wide);
        Assert.Equal(File.ReadAllBytes(Path.Combine(ModelDirectory(), "tokenizer.json")), File.ReadAllBytes(Path.Combine(ModelDirectory("tiny-world-wide"), "tokenizer.json")));
    }
}
