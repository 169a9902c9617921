using RlsEdit.Models;
using RlsEdit.World;
using RlsEdit.World.Training;
using Xunit;

namespace RlsEdit.World.Tests;

public class TrainingTests
{
    private static readonly WorldOptions SmallWorld = new() { Countries = 4, CitiesPerCountry = 2, Continents = 2, People = 12, Companies = 4, Holdings = 2 };

    private static TrainingOptions Tiny(int steps) => new()
    {
        Seed = 5, Steps = steps, BatchSize = 8, Layers = 1, Width = 32, Heads = 2, Context = 32,
        WarmupSteps = 5, LearningRate = 1e-2, CheckpointEvery = 0, World = SmallWorld,
    };

    private static double FixedBatchLoss(WorldTrainer trainer)
    {
        var batch = TokenBatch.LeftPadded(Enumerable.Range(0, 16).Select(i => (IReadOnlyList<int>)trainer.DocumentTokens(1_000_000 + i)).ToList(), 0);
        var targets = new List<(int, int)>();
        for (int b = 0; b < batch.BatchSize; b++)
            for (int t = batch.PadCounts[b]; t < batch.Length - 1; t++) targets.Add((batch.Row(b, t), batch.Ids[batch.Row(b, t + 1)]));
        return new TokenLoss<float>(targets).Evaluate(trainer.Model.Forward(batch).Logits.View);
    }

    [Fact]
    public void AShortRunReducesHeldOutDocumentLoss()
    {
        var trainer = new WorldTrainer(Tiny(60));
        double before = FixedBatchLoss(trainer);
        Assert.InRange(before, Math.Log(trainer.Tokenizer.VocabSize) - 0.5, Math.Log(trainer.Tokenizer.VocabSize) + 0.5);
        var dir = Directory.CreateTempSubdirectory("world-train");
        try
        {
            var result = trainer.Train(dir.FullName);
            double after = FixedBatchLoss(trainer);
            Assert.True(after < before - 2.0, $"loss on unseen documents went from {before:F3} to {after:F3}");
            Assert.True(result.FinalLoss < result.FirstLoss - 2.0, $"training loss went from {result.FirstLoss:F3} to {result.FinalLoss:F3}");
            Assert.True(result.TokensPerSecond > 0);

            // The written folder loads through the runtime and reproduces the trained model's logits.
            var loaded = ModelFolder.Load<float>(dir.FullName);
            var ids = trainer.DocumentTokens(7);
            var expected = trainer.Model.Forward(TokenBatch.Single(ids)).Logits.Data;
            Assert.Equal(expected, loaded.Forward(TokenBatch.Single(ids)).Logits.Data);
            Assert.Equal(ids, ModelTokenizer.Load(dir.FullName).EncodeToIds(trainer.Tokenizer.Decode(ids)));
            Assert.False(Directory.Exists(Path.Combine(dir.FullName, WorldTrainer.CheckpointFolder)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameWeights()
    {
        var options = Tiny(8) with { CheckpointEvery = 3 };
        var straight = new WorldTrainer(options);
        var dirA = Directory.CreateTempSubdirectory("world-a");
        var dirB = Directory.CreateTempSubdirectory("world-b");
        try
        {
            straight.Train(dirA.FullName);

            var interrupted = new WorldTrainer(options);
            using var cancel = new CancellationTokenSource();
            var progress = new Inline(p => { if (p.Step == 4) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Train(dirB.FullName, progress, cancel.Token));
            Assert.True(File.Exists(Path.Combine(dirB.FullName, WorldTrainer.CheckpointFolder, "step.json")));

            var resumed = new WorldTrainer(options);
            var result = resumed.Train(dirB.FullName);
            Assert.Equal(3, result.ResumedFromStep);
            Assert.Equal(8, result.Steps);
            for (int i = 0; i < straight.Model.Parameters.Count; i++)
                Assert.Equal(straight.Model.Parameters[i].Value.Data, resumed.Model.Parameters[i].Value.Data);
        }
        finally
        {
            dirA.Delete(recursive: true);
            dirB.Delete(recursive: true);
        }
    }

    [Fact]
    public void ACheckpointOfOtherOptionsIsRefused()
    {
        var dir = Directory.CreateTempSubdirectory("world-c");
        try
        {
            var options = Tiny(4) with { CheckpointEvery = 2 };
            using var cancel = new CancellationTokenSource();
            Assert.ThrowsAny<OperationCanceledException>(() =>
                new WorldTrainer(options).Train(dir.FullName, new Inline(p => { if (p.Step == 3) cancel.Cancel(); }), cancel.Token));
            var other = options with { LearningRate = 5e-3 };
            Assert.Throws<InvalidOperationException>(() => new WorldTrainer(other).Train(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ARunCanContinueFromAFinishedModelOfTheSameWorldOnly()
    {
        var dir = Directory.CreateTempSubdirectory("world-init");
        try
        {
            var first = new WorldTrainer(Tiny(3));
            first.Train(dir.FullName);
            var continued = new WorldTrainer(Tiny(3) with { InitialModel = dir.FullName });
            for (int i = 0; i < first.Model.Parameters.Count; i++)
                Assert.Equal(first.Model.Parameters[i].Value.Data, continued.Model.Parameters[i].Value.Data);
            Assert.Throws<ArgumentException>(() => new WorldTrainer(Tiny(3) with { Seed = 6, InitialModel = dir.FullName }));
            Assert.Throws<ArgumentException>(() => new WorldTrainer(Tiny(3) with { Width = 16, InitialModel = dir.FullName }));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LearningRateWarmsUpThenDecaysToTheFinalFraction()
    {
        var o = new TrainingOptions { Steps = 1000, WarmupSteps = 100, LearningRate = 1e-3, FinalLearningRateFraction = 0.1 };
        Assert.Equal(1e-5, o.LearningRateAt(0), 12);
        Assert.Equal(1e-3, o.LearningRateAt(99), 12);
        Assert.Equal(1e-3, o.LearningRateAt(100), 12);
        Assert.Equal(0.55e-3, o.LearningRateAt(550), 12);
        Assert.Equal(1e-4, o.LearningRateAt(1000), 12);
        for (int s = 101; s < 1000; s++) Assert.True(o.LearningRateAt(s) <= o.LearningRateAt(s - 1));
    }

    private sealed class Inline(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
