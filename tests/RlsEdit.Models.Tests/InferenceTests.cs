using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary>Batching, masking, the KV cache, hooks and generation, checked against plain single-sequence passes.</summary>
public sealed class InferenceTests
{
    public static TheoryData<string> Names => new(Fixture.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void LeftPaddedBatchRowsEqualSeparateRuns(string name)
    {
        var f = Fixture.Load(name);
        var model = ModelFolder.Load<double>(f.Directory);
        int[][] sequences = [f.TokenIds[..6], f.TokenIds[1..3], f.TokenIds[..1]];
        var batch = TokenBatch.LeftPadded(sequences, padId: 0);
        Assert.Equal([0, 4, 5], batch.PadCounts);
        Assert.Equal([false, false, false, false, true, true], batch.AttentionMask()[6..12]);
        var pass = model.Forward(batch);
        for (int b = 0; b < sequences.Length; b++)
        {
            var single = model.Forward(TokenBatch.Single(sequences[b]));
            for (int t = 0; t < sequences[b].Length; t++)
            {
                int row = batch.Row(b, batch.PadCounts[b] + t);
                for (int j = 0; j < model.Config.VocabSize; j++)
                    Assert.Equal(single.Logits[t, j], pass.Logits[row, j], 10);
                for (int j = 0; j < model.Config.IntermediateSize; j++)
                    Assert.Equal(single.MlpKeys(1)[t, j], pass.MlpKeys(1)[row, j], 10);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void KvCacheIncrementalPassesEqualTheFullPass(string name)
    {
        var f = Fixture.Load(name);
        var model = ModelFolder.Load<double>(f.Directory);
        var full = model.Forward(TokenBatch.Single(f.TokenIds));
        var cache = new KvCache<double>(model.Config, f.TokenIds.Length);
        var first = model.Forward(TokenBatch.Single(f.TokenIds[..4]), cache: cache);
        Assert.Equal(4, cache.Length);
        var rows = new List<double[]>();
        for (int t = 0; t < 4; t++) rows.Add(first.Logits.View.RowSpan(t).ToArray());
        for (int t = 4; t < f.TokenIds.Length; t++)
            rows.Add(model.Forward(TokenBatch.Single([f.TokenIds[t]]), cache: cache).Logits.View.RowSpan(0).ToArray());
        for (int t = 0; t < rows.Count; t++)
            for (int j = 0; j < model.Config.VocabSize; j++)
                Assert.Equal(full.Logits[t, j], rows[t][j], 10);
        Assert.Throws<ModelInputException>(() => model.Forward(TokenBatch.Single([1]), cache: cache));
        Assert.Throws<InvalidOperationException>(() => model.Backward(first, new TokenLoss<double>([(0, 1)]), BackwardScope.AllParameters));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GreedyGenerationEqualsArgmaxOfRepeatedFullPasses(string name)
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf(name));
        int[] prompt = [3, 1, 4];
        var generated = Generation.Generate(model, prompt, new GenerationOptions(MaxNewTokens: 6));
        var sequence = prompt.ToList();
        for (int i = 0; i < 6; i++)
        {
            var pass = model.Forward(TokenBatch.Single(sequence));
            sequence.Add(Generation.ArgMax<float>(pass.Logits.View.RowSpan(sequence.Count - 1)));
        }
        Assert.Equal(sequence.Skip(3), generated);
    }

    [Fact]
    public void SeededSamplingIsReproducibleAndStopsAtTheStopToken()
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf("qwen2-tiny"));
        var options = new GenerationOptions(MaxNewTokens: 20, Temperature: 1.5, TopK: 10, Seed: 5);
        var a = Generation.Generate(model, [90, 3], options);
        Assert.Equal(a, Generation.Generate(model, [90, 3], options));
        Assert.NotEqual(a, Generation.Generate(model, [90, 3], options with { Seed = 6 }));
        Assert.Equal(20, a.Length);
        var stopped = Generation.Generate(model, [90, 3], options with { StopTokenId = a[4] });
        Assert.Equal(a.Take(Array.IndexOf(a, a[4]) + 1), stopped);
        // Top-1 sampling is greedy decoding.
        Assert.Equal(Generation.Generate(model, [90, 3], new GenerationOptions(8)),
            Generation.Generate(model, [90, 3], new GenerationOptions(8, Temperature: 0.7, TopK: 1, Seed: 9)));
    }

    [Fact]
    public void DeltaShiftsTheResidualAndLeavesTheValueHookUntouched()
    {
        var model = ModelFolder.Load<double>(Fixture.PathOf("gpt2-tiny"));
        var batch = TokenBatch.Single([5, 17, 3, 9]);
        var plain = model.Forward(batch);
        var delta = Enumerable.Range(0, 32).Select(i => 0.01 * i).ToArray();
        var edited = model.Forward(batch, [new ResidualDelta<double>(0, 2, delta)]);
        for (int j = 0; j < 32; j++)
        {
            Assert.Equal(plain.MlpValues(0)[2, j], edited.MlpValues(0)[2, j], 12);
            Assert.Equal(plain.ResidualAfter(0)[2, j] + delta[j], edited.ResidualAfter(0)[2, j], 12);
            Assert.Equal(plain.ResidualAfter(1)[1, j], edited.ResidualAfter(1)[1, j], 12); // causal: earlier rows unchanged
        }
        Assert.NotEqual(plain.Logits[3, 0], edited.Logits[3, 0]);
    }

    [Fact]
    public void BadInputsAreTypedErrors()
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf("gpt2-tiny"));
        var e = Assert.Throws<ModelInputException>(() => model.Forward(TokenBatch.Single([1, 96])));
        Assert.Contains("96", e.Message);
        Assert.Throws<ModelInputException>(() => model.Forward(TokenBatch.Single([-1])));
        Assert.Contains("24", Assert.Throws<ModelInputException>(() => model.Forward(TokenBatch.Single(new int[25]))).Message);
        Assert.Throws<ModelInputException>(() => TokenBatch.Single([]));
        Assert.Throws<ModelInputException>(() => model.Forward(TokenBatch.Single([1]), [new ResidualDelta<float>(2, 0, new float[32])]));
        Assert.Throws<ModelInputException>(() => model.Forward(TokenBatch.Single([1]), [new ResidualDelta<float>(0, 1, new float[32])]));
        Assert.Throws<RlsEdit.Tensors.ShapeMismatchException>(() => model.Forward(TokenBatch.Single([1]), [new ResidualDelta<float>(0, 0, new float[31])]));
        var pass = model.Forward(TokenBatch.Single([1, 2]));
        Assert.Throws<ModelInputException>(() => pass.MlpKeys(2));
        Assert.Throws<ModelInputException>(() => new TokenLoss<float>([(0, 96)]).Evaluate(pass.Logits));
        Assert.Throws<ModelInputException>(() => new TokenLoss<float>([(2, 1)]).Evaluate(pass.Logits));
        Assert.Throws<ModelInputException>(() => Generation.Generate(model, [1, 2], new GenerationOptions(23)));
        Assert.Throws<ModelInputException>(() => new KvCache<float>(model.Config, 25));
    }

    [Fact]
    public void ParallelAttentionGivesBitwiseTheSameResultsAsSerial()
    {
        // 4 sequences × 4 heads × 24² slots × 8 dims is above the parallel threshold.
        var model = ModelFolder.Load<double>(Fixture.PathOf("gpt2-tiny"));
        var rng = new Random(3);
        var batch = TokenBatch.LeftPadded(Enumerable.Range(0, 4).Select(b => Enumerable.Range(0, 24 - 3 * b).Select(_ => rng.Next(96)).ToArray()).ToArray(), padId: 0);
        var loss = new TokenLoss<double>([(batch.Row(0, 10), 4), (batch.Row(3, 23), 7)]);
        int saved = RlsEdit.Tensors.LinearAlgebra.MaxDegreeOfParallelism;
        try
        {
            (double[] Logits, double[] Gradient) Run(int threads)
            {
                RlsEdit.Tensors.LinearAlgebra.MaxDegreeOfParallelism = threads;
                model.ZeroGradients();
                var pass = model.Forward(batch);
                model.Backward(pass, loss, BackwardScope.AllParameters);
                return (pass.Logits.Data.ToArray(), model.Parameter("h.0.attn.c_attn.weight").Gradient!.Data.ToArray());
            }
            var serial = Run(1);
            var parallel = Run(4);
            Assert.Equal(serial.Logits, parallel.Logits);
            Assert.Equal(serial.Gradient, parallel.Gradient);
        }
        finally
        {
            RlsEdit.Tensors.LinearAlgebra.MaxDegreeOfParallelism = saved;
        }
    }
}
