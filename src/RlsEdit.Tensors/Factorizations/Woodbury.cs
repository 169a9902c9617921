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
    /// S = I + K·F — into <paramref name="gain"/>. Two passes over C (F = C·Kᵀ, then C −= G·Gᵀ with G = F·R⁻ᵀ,
    /// S = R·Rᵀ) and no temporaries beyond u×d. For u ≤ 48 (memory-bound) the passes stream the rows of C once each;
    /// for larger u they are SYMM and SYRK. <paramref name="gain"/> must not overlap <paramref name="cLower"/>.
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

        // F is kept transposed (u×d, contiguous rows) so that both triangular solves and both passes run along rows.
        bool streaming = u <= ThinSymmetricPasses.MaxRows && cLower.HasContiguousRows;
        var kRows = k.ToMatrix();
        var ft = new Matrix<T>(u, d);
        if (streaming) ThinSymmetricPasses.MultiplyByLower(cLower, kRows.Data, ft.Data, u);   // Fᵀ = K·C    (pass 1 over C)
        else Blas.Symm(Side.Right, T.One, cLower, kRows.View, T.Zero, ft.View);

        var s = Matrix<T>.Identity(u);
        Blas.Gemm(T.One, kRows.View, ft.View.Transposed, T.One, s.View);                      // S = I + K·F
        try
        {
            Cholesky.FactorInPlace(s.View);                                                   // S = R·Rᵀ
        }
        catch (NotPositiveDefiniteException e)
        {
            throw new NotPositiveDefiniteException($"{op} (S = I + K·C·Kᵀ; C must be positive definite)", e.PivotIndex, e.PivotValue);
        }

        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, T.One, s.View, ft.View);      // Gᵀ = R⁻¹·Fᵀ
        if (streaming) ThinSymmetricPasses.SubtractGram(cLower, ft.Data, u);                // C −= G·Gᵀ   (pass 2 over C)
        else Blas.Syrk(-T.One, ft.View.Transposed, T.One, cLower);
        Blas.Trsm(Side.Left, Triangle.Upper, Diagonal.NonUnit, T.One, s.View.Transposed, ft.View); // R⁻ᵀ·Gᵀ = (F·S⁻¹)ᵀ
        ft.View.Transposed.CopyTo(gain);
    }
}
