namespace RlsEdit.Editing;

/// <summary>The mean per-token NLLs of the new and the true target after one prompt (the reference's <c>*_prompts_probs</c> entry).</summary>
/// <param name="TargetNew">Mean −log p over the tokens of " target_new".</param>
/// <param name="TargetTrue">Mean −log p over the tokens of " target_true".</param>
public readonly record struct TargetNlls(double TargetNew, double TargetTrue);

/// <summary>
/// The CounterFact metrics as ROME/MEMIT's <c>summarize.py</c> defines them, per case (a case's value is the mean over
/// its prompts; a run's is the mean over cases, ×100 in summaries), and the n-gram entropy fluency measure.
/// </summary>
public static class CounterFactMetrics
{
    /// <summary>Efficacy / paraphrase success: the fraction of prompts with P(new) &gt; P(true), i.e. NLL_true &gt; NLL_new.</summary>
    public static double RewriteSuccess(IReadOnlyList<TargetNlls> prompts) => Mean(prompts, p => p.TargetTrue > p.TargetNew ? 1 : 0);

    /// <summary>Efficacy / paraphrase magnitude: the mean of exp(−NLL_new) − exp(−NLL_true).</summary>
    public static double RewriteMagnitude(IReadOnlyList<TargetNlls> prompts) => Mean(prompts, p => Math.Exp(-p.TargetNew) - Math.Exp(-p.TargetTrue));

    /// <summary>Neighbourhood success: the fraction of prompts where the true object stays more likely, NLL_true &lt; NLL_new.</summary>
    public static double NeighbourhoodSuccess(IReadOnlyList<TargetNlls> prompts) => Mean(prompts, p => p.TargetTrue < p.TargetNew ? 1 : 0);

    /// <summary>Neighbourhood magnitude: the mean of exp(−NLL_true) − exp(−NLL_new).</summary>
    public static double NeighbourhoodMagnitude(IReadOnlyList<TargetNlls> prompts) => Mean(prompts, p => Math.Exp(-p.TargetTrue) - Math.Exp(-p.TargetNew));

    /// <summary>MEMIT's score: the harmonic mean of efficacy, paraphrase and neighbourhood success (0 when any is 0).</summary>
    public static double Score(double efficacy, double paraphrase, double neighbourhood)
    {
        if (efficacy <= 0 || paraphrase <= 0 || neighbourhood <= 0) return 0;
        return 3 / (1 / efficacy + 1 / paraphrase + 1 / neighbourhood);
    }

    /// <summary>
    /// ROME's <c>compute_n_gram_entropy</c> of one text: the arithmetic mean of (2/3)·H₂ and (4/3)·H₃, where Hₙ is the
    /// entropy in bits of the n-gram frequency distribution over the text's words (NLTK's word_tokenize is approximated
    /// by splitting into runs of letters/digits and single punctuation marks). 0 for a text with no n-grams of either order.
    /// </summary>
    public static double NGramEntropy(string text)
    {
        var words = Words(text);
        double[] weights = [2.0 / 3.0, 4.0 / 3.0];
        int[] orders = [2, 3];
        double sum = 0;
        for (int k = 0; k < orders.Length; k++)
        {
            int n = orders[k];
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + n <= words.Count; i++)
            {
                string gram = string.Join('\u0001', words.Skip(i).Take(n));
                counts[gram] = counts.GetValueOrDefault(gram) + 1;
            }
            double total = counts.Values.Sum();
            double h = 0;
            foreach (int c in counts.Values) h -= c / total * Math.Log2(c / total);
            sum += weights[k] * h;
        }
        return sum / orders.Length;
    }

    /// <summary>The mean <see cref="NGramEntropy(string)"/> over <paramref name="texts"/> (the reference's per-case fluency).</summary>
    public static double NGramEntropy(IReadOnlyList<string> texts) => texts.Count == 0 ? 0 : texts.Average(NGramEntropy);

    /// <summary>Splits text into words: runs of letters/digits (with inner apostrophes) and single punctuation marks.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var words = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsLetterOrDigit(c))
            {
                int start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || (text[i] == '\'' && i + 1 < text.Length && char.IsLetter(text[i + 1])))) i++;
                words.Add(text[start..i]);
            }
            else
            {
                words.Add(c.ToString());
                i++;
            }
        }
        return words;
    }

    private static double Mean(IReadOnlyList<TargetNlls> prompts, Func<TargetNlls, double> f)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return prompts.Count == 0 ? double.NaN : prompts.Average(f);
    }
}
