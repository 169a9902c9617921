using RlsEdit.Models;
using Xunit;

namespace RlsEdit.Editing.Tests;

[Collection(TinyWorldCollection.Name)]
public sealed class ValueOptimizerTests(TinyWorldModel tiny)
{
    [Fact]
    public void BatchedRequestsGetTheTargetsTheyGetAlone()
    {
        var model = ModelFolder.Load<float>(tiny.ModelDirectory);
        var encoder = new PromptEncoder(ModelTokenizer.Load(tiny.ModelDirectory));
        var templates = ContextTemplates.LoadOrGenerate(model, encoder, null);
        // Prompts of different lengths (different left padding in the batch) and a step budget that stops some early.
        var hp = TinyWorldModel.HyperParameters with { VNumGradSteps = 12 };
        var rewrites = tiny.Cases.Take(3).Select(c => c.RequestedRewrite).ToArray();
        int zLayer = hp.Layers[^1];
        var together = ValueOptimizer.Compute(model, encoder, templates, rewrites, hp, zLayer);
        Assert.Equal(rewrites.Length, together.Count);
        for (int r = 0; r < rewrites.Length; r++)
        {
            var alone = Assert.Single(ValueOptimizer.Compute(model, encoder, templates, [rewrites[r]], hp, zLayer));
            Assert.Equal(alone.Steps, together[r].Steps);
            Assert.Equal(alone.InitialLoss, together[r].InitialLoss, 4);
            Assert.Equal(alone.FinalLoss, together[r].FinalLoss, 3);
            Assert.True(alone.FinalLoss < alone.InitialLoss, $"request {r}: v* loss {alone.InitialLoss} → {alone.FinalLoss}");
            // Float32 passes of different row counts round differently; over a dozen Adam steps the targets agree to ~1e-4.
            double scale = alone.Target.Max(x => Math.Abs(x));
            for (int j = 0; j < alone.Target.Length; j++)
                Assert.True(Math.Abs(alone.Target[j] - together[r].Target[j]) <= 1e-3 * scale, $"request {r}, entry {j}: {alone.Target[j]} vs {together[r].Target[j]}");
        }
    }
}
