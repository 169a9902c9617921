using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>
/// The Woodbury (matrix-inversion-lemma) update of an inverse: if C = H⁻¹ then after
/// <see cref="UpdateInPlace{T}"/> C = (H + Kᵀ·K)⁻¹ = C − C·Kᵀ·(I + K·C·Kᵀ)⁻¹·K·C.
/// </summary>
public static class Woodbury
{
    /// <summary>
    /// Updates the symmetric C (lower triangle read and written) for the u new rows <paramref name="k"/> (u×d),
    /// and writes the gain C_new·Kᵀ (d×u) — which equals F·S⁻¹ with F = C_old·Kᵀ, S = I + K·F — into <paramref name="gain"/>.
    /// </summary>
    public static void UpdateInPlace<T>(MatrixView<T> cLower, MatrixView<T> k, MatrixView<T> gain)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(cLower, "Woodbury.UpdateInPlace", "c");
        int d = cLower.Rows, u = k.Rows;
        Guard.Shape(k, u, d, "Woodbury.UpdateInPlace", "k");
        Guard.Shape(gain, d, u, "Woodbury.UpdateInPlace", "gain");
        if (u == 0) return;
        var f = new Matrix<T>(d, u);
        Blas.Symm(Side.Left, T.One, cLower, k.Transposed, T.Zero, f.View);          // F = C·Kᵀ
        var s = Matrix<T>.Identity(u);
        Blas.Gemm(T.One, k, f.View, T.One, s.View);                                 // S = I + K·F
        Cholesky.FactorInPlace(s.View);                                             // S = R·Rᵀ
        Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, T.One, s.View.Transposed, f.View); // G = F·R⁻ᵀ
        Blas.Syrk(-T.One, f.View, T.One, cLower);                                   // C −= G·Gᵀ
        Blas.Trsm(Side.Right, Triangle.Lower, Diagonal.NonUnit, T.One, s.View, f.View); // F·R⁻ᵀ·R⁻¹ = F·S⁻¹
        f.View.CopyTo(gain);
    }
}
