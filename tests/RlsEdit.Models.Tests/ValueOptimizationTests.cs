using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary>The use the backward pass exists for: gradient descent on a delta until the model favours a new token.</summary>
public sealed class ValueOptimizationTests
{
    [Theory]
    [InlineData("gpt2-tiny", 0)]
    [InlineData("qwen2-tiny", 0)]
    [InlineData("llama-tiny", 0)]
    public void GradientDescentOnTheDeltaMakesTheTargetLikely(string name, int layer)
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf(name));
        int d = model.Config.HiddenSize;
        // The delta must sit below the last layer: after it, nothing mixes rows, so a delta at the subject row
        // cannot reach the last row's logits. Two prompts sharing a "subject" ending at slot 2 of the first and slot 1 of the second; the target is
        // predicted at each prompt's last slot. A KL term on an unrelated third prompt keeps it close to p₀.
        var batch = TokenBatch.LeftPadded([[4, 9, 21, 6], [9, 21, 6], [30, 31]], padId: 0);
        int subjectA = batch.Row(0, 2), subjectB = batch.Row(1, 2), lastA = batch.Row(0, 3), lastB = batch.Row(1, 3), other = batch.Row(2, 3);
        var plain = model.Forward(batch);
        int target = Enumerable.Range(0, model.Config.VocabSize).OrderByDescending(j => plain.Logits[lastA, j]).ElementAt(10); // 11th most likely
        var p0 = TokenLoss<float>.LogSoftmax(plain.Logits.View.RowSpan(other)).Select(x => (float)x).ToArray();
        var loss = new TokenLoss<float>([(lastA, target), (lastB, target)], [(other, p0)], klFactor: 0.0625);

        // Adam, as MEMIT's compute_z uses (lr 0.5 as for GPT-2 there).
        var delta = new float[d];
        var m = new double[d];
        var v = new double[d];
        double first = double.NaN, last = double.NaN;
        for (int step = 1; step <= 60; step++)
        {
            var deltas = new[] { new ResidualDelta<float>(layer, subjectA, delta), new ResidualDelta<float>(layer, subjectB, delta) };
            var result = model.Backward(model.Forward(batch, deltas), loss, BackwardScope.ToResidualAfter(layer));
            if (step == 1) first = result.Loss;
            last = result.Loss;
            for (int j = 0; j < d; j++)
            {
                // The same δ at both rows: its gradient is the sum of the two rows' gradients.
                double g = result.ResidualGradient[subjectA, j] + result.ResidualGradient[subjectB, j];
                m[j] = 0.9 * m[j] + 0.1 * g;
                v[j] = 0.999 * v[j] + 0.001 * g * g;
                double mHat = m[j] / (1 - Math.Pow(0.9, step)), vHat = v[j] / (1 - Math.Pow(0.999, step));
                delta[j] -= (float)(0.5 * mHat / (Math.Sqrt(vHat) + 1e-8));
            }
        }
        Assert.True(last < first / 3, $"loss {first} → {last}");
        var edited = model.Forward(batch, [new ResidualDelta<float>(layer, subjectA, delta), new ResidualDelta<float>(layer, subjectB, delta)]);
        // One shared δ serves both prompts: each target probability must grow several-fold (on these random tiny
        // models it does not always become the argmax of both rows).
        foreach (int row in new[] { lastA, lastB })
        {
            double before = Math.Exp(TokenLoss<float>.LogSoftmax(plain.Logits.View.RowSpan(row))[target]);
            double after = Math.Exp(TokenLoss<float>.LogSoftmax(edited.Logits.View.RowSpan(row))[target]);
            Assert.True(after > 5 * before && after > 0.1, $"row {row}: p(target) {before:F4} → {after:F4}");
        }
    }
}
