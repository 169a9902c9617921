using RlsEdit.Models;
using Xunit;

namespace RlsEdit.Editing.Tests;

public sealed class NextTokenPredictionsTests
{
    [Fact]
    public void ProbabilitiesMatchTeacherForcedNllAndTopIsSorted()
    {
        string dir = ShippedModelTests.ModelDirectory();
        var model = ModelFolder.Load<float>(dir);
        var encoder = new PromptEncoder(ModelTokenizer.Load(dir));
        var world = RlsEdit.World.FactWorld.Generate(RlsEdit.World.WorldFile.ReadSeed(Path.Combine(dir, RlsEdit.World.WorldFile.FileName)));
        string prompt = world.Entities[RlsEdit.World.EntityKind.Person][0] + " works as a";

        double[] p = NextTokenPredictions.Distribution(model, encoder, prompt);
        Assert.Equal(model.Config.VocabSize, p.Length);
        Assert.Equal(1.0, p.Sum(), 1e-9);
        Assert.All(p, x => Assert.InRange(x, 0.0, 1.0));

        // Oracle: TeacherForcing scores a continuation by its own log-softmax; exp(−NLL) of a one-token target is its probability.
        foreach (string target in new[] { "teacher", "lawyer", "nurse" })
        {
            int[] ids = encoder.EncodeTarget(target);
            Assert.Single(ids);
            double nll = TeacherForcing.Score(model, [(encoder.Encode(prompt), ids)])[0].MeanNll;
            Assert.Equal(Math.Exp(-nll), NextTokenPredictions.Probability(model, encoder, prompt, target), 1e-5);
        }

        var top = NextTokenPredictions.Top(model, encoder, prompt, 5);
        Assert.Equal(5, top.Count);
        for (int i = 1; i < top.Count; i++) Assert.True(top[i - 1].Probability >= top[i].Probability);
        Assert.Equal(p.Max(), top[0].Probability);
        Assert.Equal(Enumerable.Range(0, p.Length).MaxBy(i => p[i]), top[0].Id);
        Assert.Throws<ArgumentOutOfRangeException>(() => NextTokenPredictions.Top(model, encoder, prompt, 0));
        Assert.Throws<ArgumentException>(() => NextTokenPredictions.Distribution(model, encoder, ""));
    }
}
