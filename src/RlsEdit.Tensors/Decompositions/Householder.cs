using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>Householder reflections H = I − β·v·vᵀ shared by the QR and tridiagonal reductions.</summary>
internal static class Householder
{
    /// <summary>
    /// Turns <paramref name="x"/> into the Householder vector v with (I − β·v·vᵀ)·x = α·e₁; returns (β, α).
    /// β = 0 when x already has no entries below its first (then α = x₀ and x is left as is).
    /// </summary>
    public static (T Beta, T Alpha) MakeReflector<T>(Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T tailNorm = Norm2(x[1..]);
        if (tailNorm == T.Zero) return (T.Zero, x[0]);
        T norm = T.Hypot(x[0], tailNorm);
        // α takes the sign opposite to x₀ so that v₀ = x₀ − α never cancels.
        T alpha = x[0] >= T.Zero ? -norm : norm;
        x[0] -= alpha;
        // vᵀv = 2(α² − α·x₀) = −2α·v₀, so β = 2/vᵀv = −1/(α·v₀).
        T beta = -T.One / (alpha * x[0]);
        return (beta, alpha);
    }

    /// <summary>‖x‖₂ with scaling, so that neither overflow nor underflow occurs in the squares.</summary>
    public static T Norm2<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.Zero;
        foreach (T xi in x) scale = T.Max(scale, T.Abs(xi));
        if (scale == T.Zero || !T.IsFinite(scale)) return scale;
        T sum = T.Zero;
        foreach (T xi in x) { T r = xi / scale; sum += r * r; }
        return scale * T.Sqrt(sum);
    }
}
