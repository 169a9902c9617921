namespace RlsEdit;

/// <summary>What an <see cref="RlsEditor{T}"/> stores for the information matrix H_t.</summary>
public enum CovarianceForm
{
    /// <summary>C_t = H_t⁻¹, updated by the subtractive Woodbury step (the paper and the reference code).</summary>
    Inverse,
    /// <summary>
    /// The Cholesky factor L_t of H_t = L_tL_tᵀ, updated by u rank-one Cholesky updates per step; the gain C_tK_tᵀ comes from
    /// two triangular solves. Same O(d_k²u) cost; H_t stays positive definite in any precision.
    /// </summary>
    CholeskyFactor,
}
