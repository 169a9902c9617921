using RlsEdit.Models;
using RlsEdit.World;
using RlsEdit.World.Training;
using Xunit;

namespace RlsEdit.World.Tests;

public class ShippedModelTests
{
    private static string ModelDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RlsEdit.Tensors.sln")))
                return Path.Combine(dir.FullName, "models", "tiny-world");
        throw new DirectoryNotFoundException("no RlsEdit.Tensors.sln above the test binaries");
    }

    [Fact]
    public void ShippedModelReproducesItsRecordedAccuracyOnTheHeldOutSubset()
    {
        string dir = ModelDirectory();
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

    [Fact]
    public void ShippedFolderStaysSmall()
    {
        long bytes = new DirectoryInfo(ModelDirectory()).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.InRange(bytes, 1, 20L * 1024 * 1024);
    }
}
