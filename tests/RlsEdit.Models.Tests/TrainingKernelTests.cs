using RlsEdit.Models.Layers;
using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary>The float fast paths a training step uses, against float64 scalar oracles.</summary>
public sealed class TrainingKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(1029)]
    public void VectorisedGeluBackwardMatchesTheScalarDerivativeInDouble(int n)
    {
        var rng = new Random(n);
        // Inputs span the saturated tails and the curved middle (|x| up to 8), plus exact zero.
        var x = Enumerable.Range(0, n).Select(i => i == 0 ? 0f : (float)((rng.NextDouble() - 0.5) * 16)).ToArray();
        var dy = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var dx = new float[n];
        Activations<float>.GeluBackward(x, dy, dx);
        for (int i = 0; i < n; i++)
        {
            double expected = dy[i] * Activations<double>.GeluDerivative(x[i]);
            // A handful of float roundings on values of size ≤ ~1.2·|dy|.
            Assert.True(Math.Abs(dx[i] - expected) <= 1e-6 * (1 + Math.Abs(dy[i])), $"x = {x[i]}: {dx[i]} vs {expected}");
        }
    }

    [Fact]
    public void GeluBackwardOfAnEmptySpanIsANoOp() => Activations<float>.GeluBackward([], [], []);

    [Fact]
    public void LossOfABatchSplitInPartsAddsUpToTheWholeWhenNormalisedByTheWholeCount()
    {
        var rng = new Random(3);
        var logits = new Matrix<double>(6, 11);
        for (int i = 0; i < logits.Data.Length; i++) logits.Data[i] = (rng.NextDouble() - 0.5) * 6;
        (int, int)[] all = [(0, 3), (1, 10), (2, 0), (3, 7), (5, 5)];
        var whole = new Matrix<double>(6, 11);
        double wholeLoss = new TokenLoss<double>(all).Evaluate(logits.View, whole);

        var partA = new Matrix<double>(6, 11);
        var partB = new Matrix<double>(6, 11);
        double a = new TokenLoss<double>(all[..2], targetNormalizer: all.Length).Evaluate(logits.View, partA);
        double b = new TokenLoss<double>(all[2..], targetNormalizer: all.Length).Evaluate(logits.View, partB);
        Assert.Equal(wholeLoss, a + b, 12);
        for (int i = 0; i < whole.Data.Length; i++) Assert.Equal(whole.Data[i], partA.Data[i] + partB.Data[i], 12);

        // Oracle for the whole: mean of −log softmax at the targets, straight from the definition.
        double oracle = all.Average(t =>
        {
            var row = Enumerable.Range(0, 11).Select(j => logits[t.Item1, j]).ToArray();
            return -Math.Log(Math.Exp(row[t.Item2]) / row.Sum(Math.Exp));
        });
        Assert.Equal(oracle, wholeLoss, 12);
    }

    [Fact]
    public void ANormalizerBelowTheTargetCountIsRejected() =>
        Assert.Throws<ModelInputException>(() => new TokenLoss<double>([(0, 1), (1, 2)], targetNormalizer: 1));
}
