using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>The outcome of <see cref="Cholesky.FactorWithJitter{T}"/>: L·Lᵀ = sym(A) + <see cref="Jitter"/>·I.</summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class JitteredCholesky<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The lower-triangular factor L (strict upper triangle zero), a new matrix.</summary>
    public Matrix<T> Factor { get; }
    /// <summary>The absolute amount δ added to every diagonal element; 0 when A factored as given.</summary>
    public T Jitter { get; }
    /// <summary>Factorizations tried, counting the successful one (1 means no jitter was needed).</summary>
    public int Attempts { get; }
    /// <summary>True when a jitter had to be added.</summary>
    public bool UsedJitter => Jitter != T.Zero;

    /// <summary>Creates the result.</summary>
    public JitteredCholesky(Matrix<T> factor, T jitter, int attempts)
    {
        ArgumentNullException.ThrowIfNull(factor);
        Factor = factor; Jitter = jitter; Attempts = attempts;
    }
}
