namespace RlsEdit.Baselines;

/// <summary>How <see cref="AlphaEditEditor{T}"/> decides which eigen-directions of the key covariance form the null space.</summary>
public enum NullSpaceThresholdKind
{
    /// <summary>Directions with eigenvalue λ_i &lt; value (AlphaEdit's <c>nullspace_threshold</c>, 2e-2 in its configs).</summary>
    Absolute,
    /// <summary>
    /// The largest eigen-directions are protected until they hold at least (1 − value) of tr(Cov); the rest, holding at most
    /// a fraction value of the energy, form the null space.
    /// </summary>
    RelativeEnergy,
}

/// <summary>A null-space threshold: <paramref name="Kind"/> and its <paramref name="Value"/>.</summary>
/// <param name="Kind">Absolute eigenvalue cut or relative energy.</param>
/// <param name="Value">The eigenvalue cut (≥ 0) or the energy fraction in [0, 1].</param>
public readonly record struct NullSpaceThreshold(NullSpaceThresholdKind Kind, double Value);
