using RlsEdit.Models;

namespace RlsEdit.Editing;

/// <summary>A candidate next token with its probability under the model.</summary>
/// <param name="Text">The decoded token (with its leading space, if any).</param>
/// <param name="Id">The token id.</param>
/// <param name="Probability">softmax(logits)[Id] at the prompt's last position.</param>
public sealed record TokenProbability(string Text, int Id, double Probability);

/// <summary>What a model predicts right after a prompt: the softmax of its last position's logits.</summary>
public static class NextTokenPredictions
{
    /// <summary>The next-token distribution after <paramref name="prompt"/> (vocabulary-sized, sums to 1).</summary>
    /// <exception cref="ArgumentException">The prompt encodes to no token.</exception>
    public static double[] Distribution(TransformerModel<float> model, PromptEncoder encoder, string prompt)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(prompt);
        int[] ids = encoder.Encode(prompt);
        if (ids.Length == 0) throw new ArgumentException($"NextTokenPredictions: the prompt '{prompt}' encodes to no token.", nameof(prompt));
        var batch = TokenBatch.Single(ids);
        ReadOnlySpan<float> logits = model.Forward(batch).Logits.View.RowSpan(batch.LastRow(0));
        // Subtracting the maximum keeps exp from overflowing; the sum is done in double so small probabilities survive.
        double max = double.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        var p = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }

    /// <summary>The <paramref name="k"/> most probable next tokens after <paramref name="prompt"/>, most probable first.</summary>
    public static IReadOnlyList<TokenProbability> Top(TransformerModel<float> model, PromptEncoder encoder, string prompt, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        double[] p = Distribution(model, encoder, prompt);
        return Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).ThenBy(i => i).Take(k)
            .Select(i => new TokenProbability(encoder.Decode([i]), i, p[i])).ToList();
    }

    /// <summary>
    /// The probability that <paramref name="target"/> (an object, scored with a leading space as CounterFact does) comes
    /// next after <paramref name="prompt"/>. For a multi-token target this is the probability of its first token.
    /// </summary>
    public static double Probability(TransformerModel<float> model, PromptEncoder encoder, string prompt, string target) =>
        Distribution(model, encoder, prompt)[encoder.EncodeTarget(target)[0]];
}
