namespace RlsEdit.Tensors;

/// <summary>
/// How <see cref="Cholesky.FactorWithJitter{T}"/> may regularize a nearly singular matrix: symmetrize, try without
/// jitter, then add δ·I with δ = <see cref="InitialRelativeJitter"/>·mean|diag A| growing by
/// <see cref="GrowthFactor"/> per try, for at most <see cref="MaxJitteredAttempts"/> jittered tries.
/// </summary>
public sealed class JitterPolicy
{
    /// <summary>The policy of the RLSEdit reference code: 1e-6·mean|diag|, ×10, five tries.</summary>
    public static JitterPolicy Default { get; } = new();

    /// <summary>First jitter relative to mean|diag A| (ε); must be positive and finite.</summary>
    public double InitialRelativeJitter { get; }
    /// <summary>Factor the jitter grows by after each failed try; must be &gt; 1.</summary>
    public double GrowthFactor { get; }
    /// <summary>Number of jittered tries after the unjittered one; must be ≥ 0 (0 means never add jitter).</summary>
    public int MaxJitteredAttempts { get; }
    /// <summary>Whether A is replaced by (A + Aᵀ)/2 first (both triangles read); otherwise only the lower triangle is read.</summary>
    public bool Symmetrize { get; }

    /// <summary>Creates a policy; rejects values that would make the schedule meaningless.</summary>
    public JitterPolicy(double initialRelativeJitter = 1e-6, double growthFactor = 10, int maxJitteredAttempts = 5, bool symmetrize = true)
    {
        if (!(initialRelativeJitter > 0) || !double.IsFinite(initialRelativeJitter))
            throw new ArgumentOutOfRangeException(nameof(initialRelativeJitter), $"JitterPolicy: the initial relative jitter must be positive and finite, got {initialRelativeJitter}.");
        if (!(growthFactor > 1) || !double.IsFinite(growthFactor))
            throw new ArgumentOutOfRangeException(nameof(growthFactor), $"JitterPolicy: the growth factor must be > 1 and finite, got {growthFactor}.");
        if (maxJitteredAttempts < 0)
            throw new ArgumentOutOfRangeException(nameof(maxJitteredAttempts), $"JitterPolicy: the number of jittered attempts must be ≥ 0, got {maxJitteredAttempts}.");
        InitialRelativeJitter = initialRelativeJitter;
        GrowthFactor = growthFactor;
        MaxJitteredAttempts = maxJitteredAttempts;
        Symmetrize = symmetrize;
    }
}
