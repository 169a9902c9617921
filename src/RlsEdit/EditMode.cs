namespace RlsEdit;

/// <summary>How an <see cref="RlsEditor{T}"/> carries the inverse information matrix C between edit steps.</summary>
public enum EditMode
{
    /// <summary>The paper's recursion: C_t = C_{t−1} − F S⁻¹ Fᵀ is carried across every step, so W_t = H_t⁻¹B_t exactly.</summary>
    Recursive,
    /// <summary>The reference code's driver: C is reset to C₀ before every batch, so each step is a MEMIT-style hard write.</summary>
    Reset,
    /// <summary>The naive baseline: H_t and B_t are accumulated and W_t = H_t⁻¹B_t is re-solved by Cholesky at every step (O(d_k³)).</summary>
    Recompute,
}
