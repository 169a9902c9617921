using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>
/// The Woodbury (matrix-inversion-lemma) update of an inverse: if C = H⁻¹ then after
/// <see cref="UpdateInPlace{T}"/> C = (H + Kᵀ·K)⁻¹ = C − C·Kᵀ·(I + K·C·Kᵀ)⁻¹·K·C.
/// </summary>
public static class Woodbury
{
    /// <summary>
    /// Updates the symmetric C (lower triangle read and written, strict upper triangle untouched) for the u new rows
    /// <paramref name="k"/> (u×d), and writes the gain C_new·Kᵀ (d×u) — which equals F·S⁻¹ with F = C_old·Kᵀ,
    /// S = I + K·F — into <paramref name="gain"/>. Two passes over C (one SYMM read, one SYRK update) and no
    /// temporaries beyond u×u: <paramref name="gain"/> is the d×u workspace. <paramref name="gain"/> must not overlap
    /// <paramref name="cLower"/> or <paramref name="k"/>.
    /// </summary>
    /// <exception cref="ShapeMismatchException">C is not square, k is not u×d or gain is not d×u.</exception>
    /// <exception cref="NonFiniteValueException"><paramref name="k"/> holds NaN or ±Infinity.</exception>
    /// <exception cref="NotPositiveDefiniteException">S = I + K·C·Kᵀ is not positive definite (C was not); C is left unchanged.</exception>
    public static void UpdateInPlace<T>(MatrixView<T> cLower, MatrixView<T> k, MatrixView<T> gain)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "Woodbury.UpdateInPlace";
        Guard.Square(cLower, op, "c");
        int d = cLower.Rows, u = k.Rows;
        Guard.Shape(k, u, d, op, "k");
        Guard.Shape(gain, d, u, op, "gain");
        Guard.Finite(k, op, "k");
        if (u == 0) return;

        MatrixView<T> f = gain;                                                   // d×u workspace, ends as the gain
        Blas.Symm(Side.Left, T.One, cLower, k.Transposed, T.Zero, f);             // F = C·Kᵀ          (pass 1 over C)
        var s = Matrix<T>.Identity(u);
        Blas.Gemm(T.One, k, f, T.One, s.View);                                    // S = I + K·F        (u×u)
        try
        {
            Cholesky.FactorInPlace(s.View);                                       // S = R·Rᵀ
        }
        catch (NotPositiveDefiniteException e)
        {
            throw new NotPositiveDefiniteException($"{op} (S = I + K·C·Kᵀ; C must be positive definite)", e.PivotIndex, e.PivotValue);
        }
        Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, T.One, s.View.Transposed, f); // G = F·R⁻ᵀ
        Blas.Syrk(-T.One, f, T.One, cLower);                                      // C −= G·Gᵀ         (pass 2 over C)
        Blas.Trsm(Side.Right, Triangle.Lower, Diagonal.NonUnit, T.One, s.View, f);  // G·R⁻¹ = F·S⁻¹
    }
}
