using RlsEdit.World;
using RlsEdit.World.Training;
using Xunit;

namespace RlsEdit.Editing.Tests;

/// <summary>
/// A tiny GPT-2 trained for 120 steps on a small fact world, shared by the end-to-end tests. It is too weak to route the
/// subject to the prediction through attention (v* at the subject token barely moves its output), so the tests edit at
/// the prompt's last token (<c>fact_token = last</c>) and check that edits take and general ability survives; the
/// neighbourhood-preservation claims are measured on the shipped tiny-world model (docs/results.md).
/// </summary>
public sealed class TinyWorldModel : IDisposable
{
    public static readonly WorldOptions SmallWorld = new() { Countries = 4, CitiesPerCountry = 2, Continents = 2, People = 16, Companies = 4, Holdings = 2 };

    public TinyWorldModel()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"rlsedit-editing-tests-{Guid.NewGuid():N}");
        var options = new TrainingOptions
        {
            Seed = 3, Steps = 120, BatchSize = 16, Layers = 3, Width = 32, Heads = 2, Context = 32,
            WarmupSteps = 20, LearningRate = 1e-2, CheckpointEvery = 0, World = SmallWorld,
        };
        var trainer = new WorldTrainer(options);
        trainer.Train(ModelDirectory);
        World = trainer.World;
        // One case per relation: with keys read at the prompt's last token, two cases of one relation share a key.
        Cases = EditSetGenerator.Generate(World, 80, seed: 7).DistinctBy(c => c.RequestedRewrite.RelationId).Take(12).ToList();
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
        Layers = [0, 1], FactToken = "last", VNumGradSteps = 25, VLr = 0.5, ClampNormFactor = 4, Mom2UpdateWeight = 10, Mom2NSamples = 300,
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
