using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>A = V·diag(λ)·Vᵀ for a symmetric A: eigenvalues in ascending order and orthonormal eigenvectors.</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class SymmetricEigenDecomposition<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The eigenvalues λ₀ ≤ λ₁ ≤ … ≤ λₙ₋₁.</summary>
    public T[] Values { get; }

    /// <summary>The n×n orthogonal matrix V whose column j is the unit eigenvector for <see cref="Values"/>[j]; null when only values were requested.</summary>
    public Matrix<T>? Vectors { get; }

    internal SymmetricEigenDecomposition(T[] values, Matrix<T>? vectors)
    {
        Values = values; Vectors = vectors;
    }
}
