using RlsEdit.Models;

namespace RlsEdit.Editing;

/// <summary>How a model scores one continuation of one prompt under teacher forcing.</summary>
/// <param name="MeanNll">Mean −log p of the continuation's tokens.</param>
/// <param name="CorrectTokens">How many continuation tokens are the argmax given the prompt and the gold tokens before them.</param>
/// <param name="Tokens">Continuation length.</param>
public readonly record struct ContinuationScore(double MeanNll, int CorrectTokens, int Tokens)
{
    /// <summary>EasyEdit-style token accuracy: the fraction of continuation tokens predicted as the argmax.</summary>
    public double TokenAccuracy => Tokens == 0 ? 0 : (double)CorrectTokens / Tokens;

    /// <summary>The reference's <c>*_correct</c>: every continuation token is the argmax.</summary>
    public bool AllCorrect => Tokens > 0 && CorrectTokens == Tokens;
}

/// <summary>Scores many (prompt, continuation) pairs in left-padded batches.</summary>
public static class TeacherForcing
{
    /// <summary>Scores every pair of <paramref name="queries"/> (prompt ids, continuation ids; both non-empty).</summary>
    public static ContinuationScore[] Score(TransformerModel<float> model, IReadOnlyList<(int[] Prompt, int[] Continuation)> queries, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(queries);
        var scores = new ContinuationScore[queries.Count];
        int pad = model.Config.EosTokenId ?? 0;
        for (int start = 0; start < queries.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, queries.Count - start);
            var seqs = new List<IReadOnlyList<int>>(count);
            for (int q = 0; q < count; q++)
            {
                var (p, c) = queries[start + q];
                seqs.Add([.. p, .. c[..^1]]);
            }
            var batch = TokenBatch.LeftPadded(seqs, pad);
            // Logits only at the rows that predict a continuation token (the LM head dominates a small model's pass).
            var rows = new List<int>();
            for (int q = 0; q < count; q++)
            {
                var (p, c) = queries[start + q];
                for (int j = 0; j < c.Length; j++) rows.Add(batch.Row(q, batch.PadCounts[q] + p.Length - 1 + j));
            }
            var logits = model.ForwardRows(batch, rows).Logits.View;
            int at = 0;
            for (int q = 0; q < count; q++)
            {
                var (_, c) = queries[start + q];
                double nll = 0;
                int correct = 0;
                for (int j = 0; j < c.Length; j++)
                {
                    var row = logits.RowSpan(at++);
                    nll -= LogProbability(row, c[j], out int argmax);
                    if (argmax == c[j]) correct++;
                }
                scores[start + q] = new ContinuationScore(nll / c.Length, correct, c.Length);
            }
        }
        return scores;
    }

    private static double LogProbability(ReadOnlySpan<float> logits, int token, out int argmax)
    {
        argmax = 0;
        float max = logits[0];
        for (int j = 1; j < logits.Length; j++)
            if (logits[j] > max) { max = logits[j]; argmax = j; }
        double sum = 0;
        for (int j = 0; j < logits.Length; j++) sum += Math.Exp(logits[j] - max);
        return logits[token] - max - Math.Log(sum);
    }
}
