using RlsEdit.Models.Layers;
using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary>The vectorised float GELU backward against the float64 derivative and a central difference of GELU.</summary>
public sealed class ActivationTests
{
    [Fact]
    public void VectorisedGeluBackwardMatchesTheDerivative()
    {
        var rng = new Random(3);
        // Odd length (vector tail), the saturated tails and the region around 0 where the derivative bends.
        var x = Enumerable.Range(0, 1001).Select(i => i < 8 ? new[] { -12f, -4f, -1e-3f, 0f, 1e-3f, 0.5f, 4f, 12f }[i] : (float)(rng.NextDouble() * 12 - 6)).ToArray();
        var dy = x.Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var dx = new float[x.Length];
        Activations<float>.GeluBackward(x, dy, dx);
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i], h = 1e-4;
            double derivative = Activations<double>.GeluDerivative(xi);
            double central = (Activations<double>.Gelu(xi + h) - Activations<double>.Gelu(xi - h)) / (2 * h);
            Assert.True(Math.Abs(derivative - central) <= 1e-7, $"float64 derivative at {xi}: {derivative} vs {central}");
            // float32 evaluation of terms of size ≤ ~1.2: a few ulps of 1.
            Assert.True(Math.Abs(dx[i] - dy[i] * derivative) <= 1e-6 * (1 + Math.Abs(dy[i])), $"x = {xi}: {dx[i]} vs {dy[i] * derivative}");
        }
    }
}
