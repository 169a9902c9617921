using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary>Backward pass against central finite differences, in float64 so the check is tight.</summary>
public sealed class GradientTests
{
    private const double Step = 1e-5;

    public static TheoryData<string> Names => new(Fixture.Names);

    /// <summary>Central difference (f(x + h) − f(x − h)) / 2h of <paramref name="f"/> in one coordinate.</summary>
    private static double Central(double[] storage, int index, Func<double> f)
    {
        double saved = storage[index];
        storage[index] = saved + Step;
        double plus = f();
        storage[index] = saved - Step;
        double minus = f();
        storage[index] = saved;
        return (plus - minus) / (2 * Step);
    }

    private static void AssertClose(double analytic, double numeric, string what)
    {
        // Truncation O(h²) and cancellation O(ε/h) errors are both ≲ 1e-9 here.
        double tolerance = 1e-6 * Math.Max(1e-2, Math.Abs(numeric));
        Assert.True(Math.Abs(analytic - numeric) <= tolerance, $"{what}: analytic {analytic:E6} vs numeric {numeric:E6}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DeltaGradientMatchesFiniteDifferences(string name)
    {
        var f = Fixture.Load(name);
        var model = ModelFolder.Load<double>(f.Directory);
        int d = model.Config.HiddenSize, layer = 0;
        var ids = f.TokenIds[..6];
        var batch = TokenBatch.Single(ids);
        var rng = new Random(7);
        // δ at the "subject" row 2, NLL of the next tokens after it, and a KL term at the last row against the
        // unedited distribution. δ ≠ 0 so that the KL gradient is not trivially zero.
        var reference = TokenLoss<double>.LogSoftmax(model.Forward(batch).Logits.View.RowSpan(5));
        var loss = new TokenLoss<double>([(2, 11), (3, 40), (4, 1)], [(5, reference)], klFactor: 0.5);
        var delta = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var deltas = new[] { new ResidualDelta<double>(layer, 2, delta) };

        var result = model.Backward(model.Forward(batch, deltas), loss, BackwardScope.ToResidualAfter(layer));
        Assert.Equal(loss.Evaluate(model.Forward(batch, deltas).Logits), result.Loss, 12);
        for (int j = 0; j < d; j++)
        {
            double numeric = Central(delta, j, () => loss.Evaluate(model.Forward(batch, deltas).Logits));
            AssertClose(result.ResidualGradient[2, j], numeric, $"{name} ∂loss/∂δ[{j}]");
        }
        Assert.Contains(Enumerable.Range(0, d), j => result.ResidualGradient[2, j] != 0);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ParameterGradientsMatchFiniteDifferences(string name)
    {
        var f = Fixture.Load(name);
        var model = ModelFolder.Load<double>(f.Directory);
        // A left-padded batch of two sequences exercises the masked attention paths too.
        var batch = TokenBatch.LeftPadded([f.TokenIds[..5], f.TokenIds[2..5]], padId: 0);
        var reference = TokenLoss<double>.LogSoftmax(model.Forward(batch).Logits.View.RowSpan(batch.Row(1, 4)));
        for (int i = 0; i < reference.Length; i++) reference[i] = Math.Log((Math.Exp(reference[i]) + 0.1) / (1 + 0.1 * reference.Length));
        var loss = new TokenLoss<double>([(batch.Row(0, 2), 3), (batch.Row(0, 4), 9), (batch.Row(1, 3), 4)], [(batch.Row(1, 4), reference)], klFactor: 0.25);

        model.ZeroGradients();
        model.Backward(model.Forward(batch), loss, BackwardScope.AllParameters);
        var rng = new Random(11);
        double Loss() => loss.Evaluate(model.Forward(batch).Logits);
        foreach (var p in model.Parameters)
        {
            Assert.NotNull(p.Gradient);
            var touched = new List<int>();
            if (p.Name.Contains("wte", StringComparison.Ordinal) || p.Name.Contains("embed_tokens", StringComparison.Ordinal))
                touched.AddRange([batch.Ids[1] * p.Value.Cols, batch.Ids[6] * p.Value.Cols + 1]);
            else if (p.Name.Contains("wpe", StringComparison.Ordinal))
                touched.AddRange([0 * p.Value.Cols + 3, 2 * p.Value.Cols + 5]);
            else
                for (int k = 0; k < 3; k++) touched.Add(rng.Next(p.Value.Data.Length));
            foreach (int index in touched)
                AssertClose(p.Gradient!.Data[index], Central(p.Value.Data, index, Loss), $"{p.Name}[{index}]");
        }
    }

    [Fact]
    public void PaddingSlotsReceiveNoEmbeddingGradient()
    {
        // Untied head: otherwise the LM head's gradient reaches every vocabulary row, padding id included.
        var model = ModelFolder.Load<double>(Fixture.PathOf("llama-tiny"));
        var batch = TokenBatch.LeftPadded([[5, 6, 7], [8]], padId: 50);
        model.ZeroGradients();
        model.Backward(model.Forward(batch), new TokenLoss<double>([(batch.Row(1, 2), 3)]), BackwardScope.AllParameters);
        var wte = model.Parameter("model.embed_tokens.weight").Gradient!;
        Assert.All(Enumerable.Range(0, wte.Cols), j => Assert.Equal(0.0, wte[50, j]));
        Assert.Contains(Enumerable.Range(0, wte.Cols), j => wte[8, j] != 0);
    }
}
