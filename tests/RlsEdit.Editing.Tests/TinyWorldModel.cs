using RlsEdit.World;
using RlsEdit.World.Training;
using Xunit;

namespace RlsEdit.Editing.Tests;

/// <summary>A tiny GPT-2 trained for a few hundred steps on a small fact world, shared by the end-to-end tests.</summary>
public sealed class TinyWorldModel : IDisposable
{
    public static readonly WorldOptions SmallWorld = new() { Countries = 4, CitiesPerCountry = 2, Continents = 2, People = 16, Companies = 4, Holdings = 2 };

    public TinyWorldModel()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"rlsedit-editing-tests-{Guid.NewGuid():N}");
        var options = new TrainingOptions
        {
            Seed = 3, Steps = 300, BatchSize = 16, Layers = 2, Width = 48, Heads = 2, Context = 32,
            WarmupSteps = 20, LearningRate = 1e-2, CheckpointEvery = 0, World = SmallWorld,
        };
        var trainer = new WorldTrainer(options);
        trainer.Train(ModelDirectory);
        World = trainer.World;
        Cases = EditSetGenerator.Generate(World, 12, seed: 7);
        HeldOut = EditSetGenerator.HeldOut(World, Cases, seed: 7, factCount: 40, textCount: 10);
        var corpus = new WorldCorpus(World, 11);
        CorpusTexts = Enumerable.Range(0, 300).Select(i => corpus.Document(i)).ToArray();
    }

    public string Directory { get; }
    public string ModelDirectory => Path.Combine(Directory, "model");
    public FactWorld World { get; }
    public IReadOnlyList<CounterFactRecord> Cases { get; }
    public HeldOutSet HeldOut { get; }
    public IReadOnlyList<string> CorpusTexts { get; }

    public static EditHyperParameters HyperParameters => new()
    {
        Layers = [0, 1], VNumGradSteps = 25, VLr = 0.5, Mom2UpdateWeight = 50, Mom2NSamples = 300, KlFactor = 0.0625,
    };

    public string NewRunDirectory() => Path.Combine(Directory, $"run-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class TinyWorldCollection : ICollectionFixture<TinyWorldModel>
{
    public const string Name = "tiny world model";
}
