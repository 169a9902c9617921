using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models;

/// <summary>
/// The value-optimisation loss of MEMIT-style editing: mean negative log-likelihood of target tokens at given
/// rows, plus <c>klFactor</c> · mean over KL rows of KL(p ‖ p₀), where p₀ is a fixed reference distribution
/// (the unedited model's) given as log-probabilities. Sums run in float64.
/// </summary>
public sealed class TokenLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>(row, token) pairs whose −log p(token) is averaged.</summary>
    public IReadOnlyList<(int Row, int Token)> Targets { get; }
    /// <summary>(row, reference log-probabilities over the vocabulary) pairs of the KL term.</summary>
    public IReadOnlyList<(int Row, T[] ReferenceLogProbs)> KlRows { get; }
    /// <summary>Weight of the KL term.</summary>
    public double KlFactor { get; }
    /// <summary>
    /// The count the negative log-likelihoods are divided by: <see cref="Targets"/>.Count unless given. A batch
    /// split into parts passes the whole batch's count, so the parts' losses and gradients add up to the whole's.
    /// </summary>
    public int TargetNormalizer { get; }

    /// <summary>Creates the loss; a KL term is used only when <paramref name="klFactor"/> ≠ 0 and rows are given.</summary>
    public TokenLoss(IReadOnlyList<(int Row, int Token)> targets, IReadOnlyList<(int Row, T[] ReferenceLogProbs)>? klRows = null, double klFactor = 0, int? targetNormalizer = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0 && (klRows is null || klRows.Count == 0))
            throw new ModelInputException("TokenLoss", nameof(targets), "at least one target token or KL row", "neither");
        if (!double.IsFinite(klFactor) || klFactor < 0)
            throw new ModelInputException("TokenLoss", nameof(klFactor), "a finite value ≥ 0", klFactor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (targetNormalizer is { } given && given < Math.Max(1, targets.Count))
            throw new ModelInputException("TokenLoss", nameof(targetNormalizer), $"a count ≥ the {targets.Count} targets (and ≥ 1)", given.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Targets = targets;
        KlRows = klRows ?? [];
        KlFactor = klFactor;
        TargetNormalizer = targetNormalizer ?? targets.Count;
        _targetWeights = Enumerable.Repeat(1.0 / Math.Max(1, TargetNormalizer), targets.Count).ToArray();
        _klWeights = Enumerable.Repeat(klFactor / Math.Max(1, KlRows.Count), KlRows.Count).ToArray();
    }

    private TokenLoss(IReadOnlyList<(int Row, int Token)> targets, double[] targetWeights, IReadOnlyList<(int Row, T[] ReferenceLogProbs)> klRows, double[] klWeights)
    {
        Targets = targets;
        KlRows = klRows;
        KlFactor = double.NaN;
        _targetWeights = targetWeights;
        _klWeights = klWeights;
    }

    // Each term's weight: 1/TargetNormalizer and klFactor/|KL rows| for a loss made by the constructor; a Sum keeps its parts' weights.
    private readonly double[] _targetWeights;
    private readonly double[] _klWeights;

    /// <summary>
    /// The sum of <paramref name="parts"/>, each term keeping its part's weight: one backward pass then gives every part's
    /// gradient at once (e.g. independent value optimisations batched into one pass, each with its own rows). Its
    /// <see cref="KlFactor"/> is NaN and its <see cref="TargetNormalizer"/> 0 (the parts' weights apply); <see cref="Targets"/>
    /// and <see cref="KlRows"/> concatenate the parts'.
    /// </summary>
    /// <exception cref="ModelInputException">No parts.</exception>
    public static TokenLoss<T> Sum(IReadOnlyList<TokenLoss<T>> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ModelInputException("TokenLoss.Sum", nameof(parts), "at least one loss", "none");
        return new TokenLoss<T>(parts.SelectMany(p => p.Targets).ToArray(), parts.SelectMany(p => p._targetWeights).ToArray(),
            parts.SelectMany(p => p.KlRows).ToArray(), parts.SelectMany(p => p._klWeights).ToArray());
    }

    /// <summary>The loss for <paramref name="logits"/> ([N, V]).</summary>
    public double Evaluate(MatrixView<T> logits) => Evaluate(logits, null);

    /// <summary>log softmax of one row, in float64.</summary>
    public static double[] LogSoftmax(ReadOnlySpan<T> logits)
    {
        double max = double.NegativeInfinity;
        foreach (var z in logits) max = Math.Max(max, double.CreateChecked(z));
        double sum = 0;
        foreach (var z in logits) sum += Math.Exp(double.CreateChecked(z) - max);
        double logSum = max + Math.Log(sum);
        var result = new double[logits.Length];
        for (int i = 0; i < result.Length; i++) result[i] = double.CreateChecked(logits[i]) - logSum;
        return result;
    }

    /// <summary>Loss value; when <paramref name="gradient"/> is given it receives ∂loss/∂logits (overwritten).</summary>
    internal double Evaluate(MatrixView<T> logits, Matrix<T>? gradient)
    {
        int vocab = logits.Cols;
        gradient?.Data.AsSpan().Clear();
        double loss = 0;
        // One exp per logit: p_j = e^(z_j − max) / Σ, −log p_token = log Σ − (z_token − max).
        var shifted = Targets.Count > 0 ? new double[vocab] : [];
        for (int i = 0; i < Targets.Count; i++)
        {
            var (row, token) = Targets[i];
            double targetWeight = _targetWeights[i];
            CheckRow(row, logits.Rows);
            if ((uint)token >= (uint)vocab)
                throw new ModelInputException("TokenLoss", "target token", $"an id in [0, {vocab})", token.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var z = logits.RowSpan(row);
            double max = double.NegativeInfinity;
            foreach (var zj in z) max = Math.Max(max, double.CreateChecked(zj));
            double sum = 0;
            for (int j = 0; j < vocab; j++) sum += shifted[j] = Math.Exp(double.CreateChecked(z[j]) - max);
            loss += targetWeight * (Math.Log(sum) - (double.CreateChecked(z[token]) - max));
            if (gradient is null) continue;
            var g = gradient.View.RowSpan(row);
            double scale = targetWeight / sum;
            for (int j = 0; j < vocab; j++) g[j] += T.CreateChecked(scale * shifted[j]);
            g[token] -= T.CreateChecked(targetWeight);
        }
        for (int i = 0; i < KlRows.Count; i++)
        {
            double w = _klWeights[i];
            if (w == 0) continue;
            var (row, reference) = KlRows[i];
            CheckRow(row, logits.Rows);
            if (reference is null || reference.Length != vocab)
                throw new ShapeMismatchException("TokenLoss", "ReferenceLogProbs", $"{vocab} log-probabilities", $"{reference?.Length ?? 0}");
            var logp = LogSoftmax(logits.RowSpan(row));
            double kl = 0;
            for (int j = 0; j < vocab; j++) kl += Math.Exp(logp[j]) * (logp[j] - double.CreateChecked(reference[j]));
            loss += w * kl;
            if (gradient is null) continue;
            // ∂KL(softmax(z) ‖ q)/∂z_j = p_j·(log p_j − log q_j − KL)
            var g = gradient.View.RowSpan(row);
            for (int j = 0; j < vocab; j++)
                g[j] += T.CreateChecked(w * Math.Exp(logp[j]) * (logp[j] - double.CreateChecked(reference[j]) - kl));
        }
        return loss;
    }

    private static void CheckRow(int row, int rows)
    {
        if ((uint)row >= (uint)rows)
            throw new ModelInputException("TokenLoss", "row", $"a row in [0, {rows})", row.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
