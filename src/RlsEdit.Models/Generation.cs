using System.Globalization;
using System.Numerics;

namespace RlsEdit.Models;

/// <summary>How <see cref="Generation.Generate{T}"/> picks tokens.</summary>
/// <param name="MaxNewTokens">How many tokens to append at most.</param>
/// <param name="Temperature">0 for greedy decoding (argmax); otherwise sample from softmax(logits / temperature).</param>
/// <param name="TopK">When sampling, keep only the k most likely tokens (0: all).</param>
/// <param name="Seed">Seed of the sampler, so sampled generations are reproducible.</param>
/// <param name="StopTokenId">Stop after emitting this token (e.g. end-of-sequence), if given.</param>
public sealed record GenerationOptions(int MaxNewTokens, double Temperature = 0, int TopK = 0, int Seed = 0, int? StopTokenId = null);

/// <summary>Autoregressive decoding with a KV cache: the prompt is run once, then one token per step.</summary>
public static class Generation
{
    /// <summary>Continues <paramref name="prompt"/>; returns only the new tokens.</summary>
    /// <exception cref="ModelInputException">An empty prompt, bad options, or prompt + new tokens beyond the model's context.</exception>
    public static int[] Generate<T>(TransformerModel<T> model, IReadOnlyList<int> prompt, GenerationOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        const string op = "Generation.Generate";
        if (options.MaxNewTokens < 0)
            throw new ModelInputException(op, "MaxNewTokens", "≥ 0", options.MaxNewTokens.ToString(CultureInfo.InvariantCulture));
        if (!(options.Temperature >= 0) || double.IsInfinity(options.Temperature) || options.TopK < 0)
            throw new ModelInputException(op, "options", "a finite temperature ≥ 0 and top-k ≥ 0", $"temperature {options.Temperature}, top-k {options.TopK}");
        int total = prompt.Count + options.MaxNewTokens;
        if (total > model.Config.MaxSequenceLength)
            throw new ModelInputException(op, "MaxNewTokens", $"prompt + new tokens ≤ {model.Config.MaxSequenceLength} (the model's context)",
                $"{prompt.Count} + {options.MaxNewTokens}");
        var output = new List<int>(options.MaxNewTokens);
        if (options.MaxNewTokens == 0) return [];

        var cache = new KvCache<T>(model.Config, total);
        var rng = new Random(options.Seed);
        var pass = model.Forward(TokenBatch.Single(prompt), cache: cache);
        while (true)
        {
            var logits = pass.Logits.View.RowSpan(pass.Logits.Rows - 1);
            int next = options.Temperature == 0 ? ArgMax(logits) : Sample(logits, options.Temperature, options.TopK, rng);
            output.Add(next);
            if (output.Count == options.MaxNewTokens || next == options.StopTokenId) break;
            pass = model.Forward(TokenBatch.Single([next]), cache: cache);
        }
        return output.ToArray();
    }

    /// <summary>The index of the largest logit (the first one on ties).</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> logits) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static int Sample<T>(ReadOnlySpan<T> logits, double temperature, int topK, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var order = Enumerable.Range(0, logits.Length).ToArray();
        var values = new double[logits.Length];
        for (int i = 0; i < values.Length; i++) values[i] = double.CreateChecked(logits[i]) / temperature;
        Array.Sort(values.Select(v => -v).ToArray(), order);
        int keep = topK == 0 ? order.Length : Math.Min(topK, order.Length);
        double max = values[order[0]];
        var weights = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) sum += weights[i] = Math.Exp(values[order[i]] - max);
        double u = rng.NextDouble() * sum;
        for (int i = 0; i < keep; i++)
        {
            u -= weights[i];
            if (u < 0) return order[i];
        }
        return order[keep - 1];
    }
}
