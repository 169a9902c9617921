using RlsEdit.Models;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>What the v* optimisation of one request ended with.</summary>
/// <param name="Target">z* = h + δ: the wanted residual stream after the last edited layer at the subject's last token (length D).</param>
/// <param name="InitialLoss">The loss before the first step.</param>
/// <param name="FinalLoss">The loss at the last evaluated step.</param>
/// <param name="Steps">Forward/backward passes run.</param>
public sealed record ValueTarget(float[] Target, double InitialLoss, double FinalLoss, int Steps);

/// <summary>
/// MEMIT's v* (<c>compute_z</c>): Adam on a vector δ added to the residual stream after layer <c>z_layer</c> at the
/// subject's last token of every rewriting prompt (context template + prompt + target[:-1]) and of "{subject} is a",
/// minimising mean NLL(target) + kl_factor·KL(p_δ ‖ p₀) on the "is a" prompt + v_weight_decay·‖δ‖/‖h‖², projecting
/// onto ‖δ‖ ≤ clamp_norm_factor·‖h‖ after each step and stopping once the loss falls under 5e-2. The gradient comes
/// from the runtime's backward pass to the injected delta.
/// </summary>
public static class ValueOptimizer
{
    private const double Beta1 = 0.9, Beta2 = 0.999, AdamEpsilon = 1e-8;

    /// <summary>Computes z* for <paramref name="rewrite"/> at layer <paramref name="zLayer"/>.</summary>
    public static ValueTarget Compute(TransformerModel<float> model, PromptEncoder encoder, ContextTemplates templates,
        CounterFactRewrite rewrite, EditHyperParameters hp, int zLayer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(rewrite);
        ArgumentNullException.ThrowIfNull(hp);
        bool last = hp.FactToken == "last";
        int[] target = encoder.EncodeTarget(rewrite.TargetNew.Str);
        var sequences = new List<IReadOnlyList<int>>();
        var lookups = new List<int>();
        var targetPositions = new List<(int Sequence, int Position, int Token)>();
        foreach (string template in templates.All)
        {
            var p = encoder.EncodeWithSubject(template.Replace("{}", rewrite.Prompt, StringComparison.Ordinal), rewrite.Subject, last);
            for (int j = 0; j < target.Length; j++) targetPositions.Add((sequences.Count, p.Ids.Length - 1 + j, target[j]));
            sequences.Add([.. p.Ids, .. target[..^1]]);
            lookups.Add(p.LookupIndex);
        }
        int klSequence = sequences.Count;
        var kl = encoder.EncodeWithSubject("{} is a", rewrite.Subject, last);
        sequences.Add(kl.Ids);
        lookups.Add(kl.LookupIndex);

        var batch = TokenBatch.LeftPadded(sequences, model.Config.EosTokenId ?? 0);
        int d = model.Config.HiddenSize;
        var delta = new float[d];
        var deltaRows = lookups.Select((pos, b) => new ResidualDelta<float>(zLayer, batch.Row(b, batch.PadCounts[b] + pos), delta)).ToArray();
        var targets = targetPositions.Select(t => (batch.Row(t.Sequence, batch.PadCounts[t.Sequence] + t.Position), t.Token)).ToArray();
        int klRow = batch.Row(klSequence, batch.PadCounts[klSequence] + kl.LookupIndex);

        // Reference distribution and h = the unshifted residual at the first rewriting prompt's lookup token.
        var initial = model.Forward(batch);
        var reference = TokenLoss<float>.LogSoftmax(initial.Logits.View.RowSpan(klRow)).Select(x => (float)x).ToArray();
        var h = initial.ResidualAfter(zLayer).RowSpan(deltaRows[0].Row).ToArray();
        double hNorm = Math.Sqrt(h.Sum(x => (double)x * x));
        double maxNorm = hp.ClampNormFactor * hNorm;
        var loss = new TokenLoss<float>(targets, [(klRow, reference)], hp.KlFactor);

        var m = new double[d];
        var v = new double[d];
        double initialLoss = double.NaN, finalLoss = double.NaN;
        int steps = 0;
        for (int it = 0; it < hp.VNumGradSteps; it++)
        {
            var pass = model.Forward(batch, deltaRows);
            var back = model.Backward(pass, loss, BackwardScope.ToResidualAfter(zLayer));
            steps++;
            double deltaNorm = Math.Sqrt(delta.Sum(x => (double)x * x));
            double total = back.Loss + hp.VWeightDecay * deltaNorm / (hNorm * hNorm);
            if (it == 0) initialLoss = total;
            finalLoss = total;
            if (!double.IsFinite(total)) throw new InvalidOperationException($"ValueOptimizer: the v* loss became {total} at step {it} for subject '{rewrite.Subject}'.");
            if (total < EditHyperParameters.EarlyStopLoss || it == hp.VNumGradSteps - 1) break;

            int t = it + 1;
            for (int j = 0; j < d; j++)
            {
                double g = 0;
                foreach (var row in deltaRows) g += back.ResidualGradient[row.Row, j];
                if (deltaNorm > 0) g += hp.VWeightDecay * delta[j] / (deltaNorm * hNorm * hNorm);
                m[j] = Beta1 * m[j] + (1 - Beta1) * g;
                v[j] = Beta2 * v[j] + (1 - Beta2) * g * g;
                double mHat = m[j] / (1 - Math.Pow(Beta1, t)), vHat = v[j] / (1 - Math.Pow(Beta2, t));
                delta[j] -= (float)(hp.VLr * mHat / (Math.Sqrt(vHat) + AdamEpsilon));
            }
            double norm = Math.Sqrt(delta.Sum(x => (double)x * x));
            if (norm > maxNorm)
                for (int j = 0; j < d; j++) delta[j] = (float)(delta[j] * maxNorm / norm);
        }
        var z = new float[d];
        for (int j = 0; j < d; j++) z[j] = h[j] + delta[j];
        return new ValueTarget(z, initialLoss, finalLoss, steps);
    }
}
