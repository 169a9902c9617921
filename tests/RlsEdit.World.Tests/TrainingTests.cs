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
    public void AStepRunInLengthSortedPassesGivesTheWholeBatchMeanLossAndGradient()
    {
        // Batch 24 = three passes of different padded lengths; the oracle is one left-padded pass over all 24.
        var options = Tiny(1) with { BatchSize = 24 };
        Assert.True(options.BatchSize > 2 * WorldTrainer.DocumentsPerPass);
        var oracle = new WorldTrainer(options);
        var batch = TokenBatch.LeftPadded(Enumerable.Range(0, options.BatchSize).Select(i => (IReadOnlyList<int>)oracle.DocumentTokens(i)).ToList(), 0);
        var targets = new List<(int, int)>();
        for (int b = 0; b < batch.BatchSize; b++)
            for (int t = batch.PadCounts[b]; t < batch.Length - 1; t++) targets.Add((batch.Row(b, t), batch.Ids[batch.Row(b, t + 1)]));
        oracle.Model.ZeroGradients();
        double expectedLoss = oracle.Model.Backward(oracle.Model.Forward(batch), new TokenLoss<float>(targets), BackwardScope.AllParameters).Loss;

        var split = new WorldTrainer(options);
        double loss = split.TrainStep(0, new AdamW(split.Model.Parameters), out int tokens);
        Assert.Equal(targets.Count, tokens);
        Assert.Equal(expectedLoss, loss, 5);
        for (int i = 0; i < oracle.Model.Parameters.Count; i++)
        {
            var expected = oracle.Model.Parameters[i].Gradient!.Data;
            var actual = split.Model.Parameters[i].Gradient!.Data;
            // Float sums over ≤ a few hundred rows in another order: relative error ~1e-6 of the gradient's scale.
            double scale = expected.Max(x => Math.Abs((double)x)) + 1e-12;
            for (int j = 0; j < expected.Length; j++)
                Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-4 * scale, $"{oracle.Model.Parameters[i].Name}[{j}]: {actual[j]} vs {expected[j]}");
        }
    }

    [Fact]
    public void OneAndTwoThreadsTrainToTheSameWeights()
    {
        float[][] Train(int threads)
        {
            int saved = RlsEdit.Tensors.LinearAlgebra.MaxDegreeOfParallelism;
            RlsEdit.Tensors.LinearAlgebra.MaxDegreeOfParallelism = threads;
            try
            {
                // Width 128 puts the block GEMMs above the size where they start to split work across threads.
                var trainer = new WorldTrainer(Tiny(3) with { BatchSize = 16, Width = 128, Heads = 4 });
                var adam = new AdamW(trainer.Model.Parameters);
                for (int s = 0; s < 3; s++) trainer.TrainStep(s, adam, out _);
                return trainer.Model.Parameters.Select(p => p.Value.Data.ToArray()).ToArray();
            }
            finally
            {
                RlsEdit.Tensors.LinearAlgebra.MaxDegreeOfParallelism = saved;
            }
        }
        Assert.Equal(Train(1), Train(2));
    }

    [Fact]
    public void AnMlpWidthOtherThanFourTimesTheWidthIsWrittenAsNInnerAndLoadsBack()
    {
        var wide = new WorldTrainer(Tiny(1) with { MlpWidth = 96 });
        Assert.Equal(96, wide.Config.IntermediateSize);
        Assert.Equal(96, wide.ConfigJson().RootElement.GetProperty("n_inner").GetInt32());
        var dir = Directory.CreateTempSubdirectory("world-mlp");
        try
        {
            wide.SaveModelFolder(dir.FullName);
            var loaded = ModelFolder.Load<float>(dir.FullName);
            Assert.Equal(96, loaded.Config.IntermediateSize);
            var ids = wide.DocumentTokens(3);
            Assert.Equal(wide.Model.Forward(TokenBatch.Single(ids)).Logits.Data, loaded.Forward(TokenBatch.Single(ids)).Logits.Data);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        // The default (and an explicit 4 × width) leave config.json as it always was: no n_inner key.
        Assert.False(new WorldTrainer(Tiny(1)).ConfigJson().RootElement.TryGetProperty("n_inner", out _));
        Assert.False(new WorldTrainer(Tiny(1) with { MlpWidth = 128 }).ConfigJson().RootElement.TryGetProperty("n_inner", out _));
        Assert.Throws<ArgumentException>(() => new WorldTrainer(Tiny(1) with { MlpWidth = 0 }));
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
