using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary>Logits, MLP keys/values and residuals against the float64 PyTorch reference of tools/golden/make_model_fixtures.py.</summary>
public sealed class GoldenForwardTests
{
    public static TheoryData<string> Names => new(Fixture.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Float32ForwardMatchesReference(string name)
    {
        var f = Fixture.Load(name);
        var model = ModelFolder.Load<float>(f.Directory);
        var pass = model.Forward(TokenBatch.Single(f.TokenIds));
        // float32 arithmetic over a handful of reductions of width ≤ 80: ~1e-6 relative; 1e-4 leaves room.
        Compare.Close(pass.Logits.View, f.Logits, 1e-4, "logits");
        for (int l = 0; l < model.Config.LayerCount; l++)
        {
            Compare.Close(pass.MlpKeys(l), f.MlpKeys[l], 1e-4, $"keys {l}");
            Compare.Close(pass.MlpValues(l), f.MlpValues[l], 1e-4, $"values {l}");
            Compare.Close(pass.ResidualAfter(l), f.Residuals[l], 1e-4, $"residual {l}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Float64ForwardMatchesReferenceToRoundingError(string name)
    {
        var f = Fixture.Load(name);
        var model = ModelFolder.Load<double>(f.Directory);
        var pass = model.Forward(TokenBatch.Single(f.TokenIds));
        // Same float64 weights, same formulas: only summation order differs.
        Compare.Close(pass.Logits.View, f.Logits, 1e-11, "logits");
        for (int l = 0; l < model.Config.LayerCount; l++)
            Compare.Close(pass.MlpKeys(l), f.MlpKeys[l], 1e-11, $"keys {l}");
    }
}
