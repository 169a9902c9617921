using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary>
/// <see cref="TransformerModel{T}.ForwardFrom"/> and <see cref="TransformerModel{T}.ForwardRows"/> against the full pass:
/// the same logits at the selected rows and the same gradient to an injected delta.
/// </summary>
public sealed class PartialForwardTests
{
    private static readonly TokenBatch Batch = TokenBatch.LeftPadded([[4, 9, 21, 6, 7], [9, 21, 6], [30, 31]], padId: 0);

    // Float32 through a few blocks: rows of one GEMM may be blocked differently when fewer rows are computed.
    private const float Tolerance = 2e-5f;

    private static void AssertRowsClose(ForwardPass<float> full, ForwardPass<float> partial, IReadOnlyList<int> rows)
    {
        Assert.Equal(rows.Count, partial.Logits.Rows);
        Assert.Equal(rows, partial.LogitRows);
        float scale = full.Logits.Data.Max(MathF.Abs);
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < full.Logits.Cols; j++)
                Assert.True(MathF.Abs(full.Logits[rows[i], j] - partial.Logits[i, j]) <= Tolerance * scale,
                    $"row {rows[i]}, token {j}: {full.Logits[rows[i], j]} vs {partial.Logits[i, j]}");
    }

    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("llama-tiny")]
    public void SelectedRowsMatchTheFullPass(string name)
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf(name));
        int[] rows = [Batch.Row(0, 4), Batch.Row(1, 2), Batch.Row(0, 1), Batch.Row(2, 4)];
        AssertRowsClose(model.Forward(Batch), model.ForwardRows(Batch, rows), rows);
    }

    [Theory]
    [InlineData("gpt2-tiny", 0)]
    [InlineData("gpt2-tiny", -1)]
    [InlineData("qwen2-tiny", 0)]
    [InlineData("llama-tiny", 1)]
    public void ResumingAboveALayerMatchesTheFullPassAndItsGradient(string name, int layer)
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf(name));
        layer = Math.Min(layer, model.Config.LayerCount - 2);
        int d = model.Config.HiddenSize;
        var rng = new Random(5);
        var delta = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        int subject = Batch.Row(0, 2), subjectB = Batch.Row(1, 1);
        var deltas = layer < 0 ? null : new[] { new ResidualDelta<float>(layer, subject, delta), new ResidualDelta<float>(layer, subjectB, delta) };
        int[] rows = [Batch.Row(0, 4), Batch.Row(1, 2), Batch.Row(2, 4)];

        var full = model.Forward(Batch, deltas);
        var plain = model.Forward(Batch);
        var partial = model.ForwardFrom(Batch, layer, plain.ResidualAfter(layer), deltas, rows);
        AssertRowsClose(full, partial, rows);
        Assert.Equal(layer, partial.StartLayer);

        int target = 17;
        var p0 = TokenLoss<float>.LogSoftmax(plain.Logits.View.RowSpan(rows[2])).Select(x => (float)x).ToArray();
        var fullLoss = new TokenLoss<float>([(rows[0], target), (rows[1], target)], [(rows[2], p0)], klFactor: 0.25);
        var partialLoss = new TokenLoss<float>([(0, target), (1, target)], [(2, p0)], klFactor: 0.25);
        var a = model.Backward(full, fullLoss, BackwardScope.ToResidualAfter(layer));
        var b = model.Backward(partial, partialLoss, BackwardScope.ToResidualAfter(layer));
        Assert.Equal(a.Loss, b.Loss, 4);
        float gScale = a.ResidualGradient.Data.Max(MathF.Abs);
        Assert.True(gScale > 0);
        for (int i = 0; i < a.ResidualGradient.Data.Length; i++)
            Assert.True(MathF.Abs(a.ResidualGradient.Data[i] - b.ResidualGradient.Data[i]) <= 1e-4f * gScale,
                $"gradient entry {i}: {a.ResidualGradient.Data[i]} vs {b.ResidualGradient.Data[i]}");
    }

    [Fact]
    public void BadRequestsAreRefusedWithTheirReason()
    {
        var model = ModelFolder.Load<float>(Fixture.PathOf("gpt2-tiny"));
        var plain = model.Forward(Batch);
        int n = Batch.BatchSize * Batch.Length;
        Assert.Throws<ModelInputException>(() => model.ForwardRows(Batch, [n]));
        Assert.Throws<ModelInputException>(() => model.ForwardFrom(Batch, model.Config.LayerCount, plain.ResidualAfter(0)));
        Assert.Throws<RlsEdit.Tensors.ShapeMismatchException>(() => model.ForwardFrom(Batch, 0, plain.ResidualAfter(0).RowRange(0, n - 1)));
        var below = new[] { new ResidualDelta<float>(0, 0, new float[model.Config.HiddenSize]) };
        Assert.Throws<ModelInputException>(() => model.ForwardFrom(Batch, 1, plain.ResidualAfter(1), below));
        var partial = model.ForwardFrom(Batch, 1, plain.ResidualAfter(1));
        // Blocks at and below the start layer were not run: reading them or differentiating through them is refused.
        Assert.Throws<ModelInputException>(() => partial.ResidualAfter(0));
        Assert.Throws<ModelInputException>(() => partial.Embeddings);
        var loss = new TokenLoss<float>([(0, 3)]);
        Assert.Throws<ModelInputException>(() => model.Backward(partial, loss, BackwardScope.ToResidualAfter(0)));
    }
}
