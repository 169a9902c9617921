using RlsEdit.Models;

namespace RlsEdit.World.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam moments with bias correction and decoupled weight decay, applied to
/// matrices only (norm gains and biases are not decayed). Moments are float32 like the parameters.
/// </summary>
public sealed class AdamW
{
    private readonly IReadOnlyList<Parameter<float>> _parameters;
    private readonly bool[] _decay;

    /// <summary>First moments, one per parameter, same layout as its values.</summary>
    public IReadOnlyList<float[]> FirstMoments { get; }
    /// <summary>Second moments.</summary>
    public IReadOnlyList<float[]> SecondMoments { get; }
    /// <summary>Completed update steps (for bias correction).</summary>
    public int Step { get; set; }
    /// <summary>β₁.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>β₂.</summary>
    public double Beta2 { get; init; } = 0.95;
    /// <summary>ε added to √v̂.</summary>
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>Decoupled weight decay λ (the update subtracts lr·λ·w).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>An optimizer over <paramref name="parameters"/> with zero moments.</summary>
    public AdamW(IReadOnlyList<Parameter<float>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _decay = parameters.Select(p => p.Shape.Length == 2).ToArray();
        FirstMoments = parameters.Select(p => new float[p.Value.Data.Length]).ToArray();
        SecondMoments = parameters.Select(p => new float[p.Value.Data.Length]).ToArray();
    }

    /// <summary>√(Σ‖g‖²) over every gradient (missing gradients count as zero).</summary>
    public double GradientNorm()
    {
        double sum = 0;
        foreach (var p in _parameters)
            if (p.Gradient is { } g)
                foreach (float x in g.Data) sum += (double)x * x;
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// One update with learning rate <paramref name="learningRate"/>, gradients first scaled by
    /// <paramref name="gradientScale"/> (for clipping).
    /// </summary>
    /// <exception cref="RlsEdit.Tensors.NonFiniteValueException">A gradient is NaN or infinite (nothing is updated).</exception>
    public void Update(double learningRate, double gradientScale = 1)
    {
        // Check everything before touching anything, so a bad gradient leaves weights and moments as they were.
        foreach (var p in _parameters)
        {
            if (p.Gradient is not { } g) continue;
            int bad = Array.FindIndex(g.Data, x => !float.IsFinite(x));
            if (bad >= 0)
                throw new RlsEdit.Tensors.NonFiniteValueException("AdamW.Update", p.Name + " gradient", bad / p.Value.Cols, bad % p.Value.Cols, g.Data[bad]);
        }
        Step++;
        double c1 = 1 - Math.Pow(Beta1, Step), c2 = 1 - Math.Pow(Beta2, Step);
        float b1 = (float)Beta1, b2 = (float)Beta2, scale = (float)gradientScale;
        Parallel.For(0, _parameters.Count, i =>
        {
            var p = _parameters[i];
            if (p.Gradient is not { } gradient) return;
            var w = p.Value.Data;
            var g = gradient.Data;
            var m = FirstMoments[i];
            var v = SecondMoments[i];
            float lrHat = (float)(learningRate / c1), decay = _decay[i] ? (float)(1 - learningRate * WeightDecay) : 1f;
            float invC2 = (float)(1 / c2), eps = (float)Epsilon;
            for (int j = 0; j < w.Length; j++)
            {
                float gj = g[j] * scale;
                m[j] = b1 * m[j] + (1 - b1) * gj;
                v[j] = b2 * v[j] + (1 - b2) * gj * gj;
                w[j] = w[j] * decay - lrHat * m[j] / (MathF.Sqrt(v[j] * invC2) + eps);
            }
        });
    }
}
