using RlsEdit.Models;
using RlsEdit.Tensors;
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
/// <remarks>
/// The requests of a batch are optimised together, each with its own δ, loss, Adam state and early stop: their
/// sequences share one forward/backward pass (sequences do not see each other, and the summed loss's gradient at a
/// request's δ is that request's own), which gives the same δ as one request at a time with larger, cheaper matrix
/// products. Each step re-runs only the blocks above <c>z_layer</c> (nothing below sees δ) and the LM head only at
/// the rows the loss reads.
/// </remarks>
public static class ValueOptimizer
{
    private const double Beta1 = 0.9, Beta2 = 0.999, AdamEpsilon = 1e-8;

    // One request's share of the batched pass.
    private sealed class Request
    {
        public required CounterFactRewrite Rewrite { get; init; }
        public required ResidualDelta<float>[] DeltaRows { get; init; }
        public required TokenLoss<float> Loss { get; init; }
        public required float[] Delta { get; init; }
        public required float[] H { get; init; }
        public required double HNorm { get; init; }
        public required double[] M { get; init; }
        public required double[] V { get; init; }
        public double InitialLoss { get; set; } = double.NaN;
        public double FinalLoss { get; set; } = double.NaN;
        public int Steps { get; set; }
        public bool Done { get; set; }
    }

    /// <summary>Computes z* for every request of <paramref name="rewrites"/> at layer <paramref name="zLayer"/> (in their order).</summary>
    public static IReadOnlyList<ValueTarget> Compute(TransformerModel<float> model, PromptEncoder encoder, ContextTemplates templates,
        IReadOnlyList<CounterFactRewrite> rewrites, EditHyperParameters hp, int zLayer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(rewrites);
        ArgumentNullException.ThrowIfNull(hp);
        if (rewrites.Count == 0) return [];
        bool last = hp.FactToken == "last";
        int d = model.Config.HiddenSize;
        var sequences = new List<IReadOnlyList<int>>();
        var lookups = new List<int>();
        var layouts = new List<(int FirstSequence, List<(int Sequence, int Position, int Token)> Targets, int KlSequence, int KlLookup)>();
        foreach (var rewrite in rewrites)
        {
            ArgumentNullException.ThrowIfNull(rewrite);
            int[] target = encoder.EncodeTarget(rewrite.TargetNew.Str);
            int first = sequences.Count;
            var targetPositions = new List<(int Sequence, int Position, int Token)>();
            foreach (string template in templates.All)
            {
                var p = encoder.EncodeWithSubject(template.Replace("{}", rewrite.Prompt, StringComparison.Ordinal), rewrite.Subject, last);
                for (int j = 0; j < target.Length; j++) targetPositions.Add((sequences.Count, p.Ids.Length - 1 + j, target[j]));
                sequences.Add([.. p.Ids, .. target[..^1]]);
                lookups.Add(p.LookupIndex);
            }
            var kl = encoder.EncodeWithSubject("{} is a", rewrite.Subject, last);
            layouts.Add((first, targetPositions, sequences.Count, kl.LookupIndex));
            sequences.Add(kl.Ids);
            lookups.Add(kl.LookupIndex);
        }

        var batch = TokenBatch.LeftPadded(sequences, model.Config.EosTokenId ?? 0);
        int Row(int sequence, int position) => batch.Row(sequence, batch.PadCounts[sequence] + position);
        // Logits are needed only where a loss reads them: each request's target rows, then its KL row.
        var logitRows = new List<int>();
        var targets = new List<(int, int)>[rewrites.Count];
        var klRows = new int[rewrites.Count];
        for (int r = 0; r < rewrites.Count; r++)
        {
            var (_, targetPositions, klSequence, klLookup) = layouts[r];
            targets[r] = [];
            foreach (var t in targetPositions)
            {
                targets[r].Add((logitRows.Count, t.Token));
                logitRows.Add(Row(t.Sequence, t.Position));
            }
            klRows[r] = logitRows.Count;
            logitRows.Add(Row(klSequence, klLookup));
        }

        // Reference distributions and h = the unshifted residual at each request's first rewriting prompt's lookup token.
        // Only the blocks above z_layer see δ, so every step resumes from the residual after z_layer of this first pass.
        var initial = model.ForwardRows(batch, logitRows);
        var residual = initial.ResidualAfter(zLayer);
        var requests = new List<Request>(rewrites.Count);
        for (int r = 0; r < rewrites.Count; r++)
        {
            var (first, _, klSequence, _) = layouts[r];
            var delta = new float[d];
            var rows = Enumerable.Range(first, klSequence - first + 1).Select(seq => new ResidualDelta<float>(zLayer, Row(seq, lookups[seq]), delta)).ToArray();
            var reference = TokenLoss<float>.LogSoftmax(initial.Logits.View.RowSpan(klRows[r])).Select(x => (float)x).ToArray();
            var h = residual.RowSpan(rows[0].Row).ToArray();
            requests.Add(new Request
            {
                Rewrite = rewrites[r],
                Delta = delta,
                DeltaRows = rows,
                Loss = new TokenLoss<float>(targets[r], [(klRows[r], reference)], hp.KlFactor),
                H = h,
                HNorm = Norm(h),
                M = new double[d],
                V = new double[d],
            });
        }
        var loss = TokenLoss<float>.Sum(requests.Select(q => q.Loss).ToArray());
        var deltaRows = requests.SelectMany(q => q.DeltaRows).ToArray();

        for (int it = 0; it < hp.VNumGradSteps && requests.Any(q => !q.Done); it++)
        {
            var pass = model.ForwardFrom(batch, zLayer, residual, deltaRows, logitRows);
            var back = model.Backward(pass, loss, BackwardScope.ToResidualAfter(zLayer));
            foreach (var q in requests.Where(q => !q.Done))
            {
                q.Steps++;
                double deltaNorm = Norm(q.Delta);
                double total = q.Loss.Evaluate(pass.Logits.View) + hp.VWeightDecay * deltaNorm / (q.HNorm * q.HNorm);
                if (it == 0) q.InitialLoss = total;
                q.FinalLoss = total;
                if (!double.IsFinite(total)) throw new InvalidOperationException($"ValueOptimizer: the v* loss became {total} at step {it} for subject '{q.Rewrite.Subject}'.");
                if (total < EditHyperParameters.EarlyStopLoss || it == hp.VNumGradSteps - 1)
                {
                    q.Done = true;
                    continue;
                }
                AdamStep(q, back.ResidualGradient, it + 1, deltaNorm, hp);
            }
        }
        return requests.Select(q =>
        {
            var z = new float[d];
            for (int j = 0; j < d; j++) z[j] = q.H[j] + q.Delta[j];
            return new ValueTarget(z, q.InitialLoss, q.FinalLoss, q.Steps);
        }).ToArray();
    }

    private static void AdamStep(Request q, Matrix<float> residualGradient, int t, double deltaNorm, EditHyperParameters hp)
    {
        var delta = q.Delta;
        double h2 = q.HNorm * q.HNorm;
        for (int j = 0; j < delta.Length; j++)
        {
            double g = 0;
            foreach (var row in q.DeltaRows) g += residualGradient[row.Row, j];
            if (deltaNorm > 0) g += hp.VWeightDecay * delta[j] / (deltaNorm * h2);
            q.M[j] = Beta1 * q.M[j] + (1 - Beta1) * g;
            q.V[j] = Beta2 * q.V[j] + (1 - Beta2) * g * g;
            double mHat = q.M[j] / (1 - Math.Pow(Beta1, t)), vHat = q.V[j] / (1 - Math.Pow(Beta2, t));
            delta[j] -= (float)(hp.VLr * mHat / (Math.Sqrt(vHat) + AdamEpsilon));
        }
        double maxNorm = hp.ClampNormFactor * q.HNorm;
        double norm = Norm(delta);
        if (norm > maxNorm)
            for (int j = 0; j < delta.Length; j++) delta[j] = (float)(delta[j] * maxNorm / norm);
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}
