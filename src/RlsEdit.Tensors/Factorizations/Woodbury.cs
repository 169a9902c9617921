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
    /// S = R·Rᵀ) and no temporaries beyond u×d. <paramref name="gain"/> must not overlap <paramref name="cLower"/>
    /// or <paramref name="k"/>.
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

        if (u <= ThinSymmetricPasses.MaxRows && cLower.HasContiguousRows)
            UpdateStreaming(cLower, k, gain);
        else
            UpdateLevel3(cLower, k, gain);
    }

    /// <summary>Few rows: C is streamed row by row; F is kept transposed (u×d) so every pass reads contiguous rows.</summary>
    private static void UpdateStreaming<T>(MatrixView<T> cLower, MatrixView<T> k, MatrixView<T> gain)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = cLower.Rows, u = k.Rows;
        var kRows = k.ToMatrix();                                                   // u×d, contiguous
        var ft = new Matrix<T>(u, d);
        ThinSymmetricPasses.MultiplyByLower(cLower, kRows.Data, ft.Data, u);       // Fᵀ = K·C       (pass 1 over C)
        var s = FactorGramian(kRows.View, ft.View.Transposed);                     // S = I + K·F = R·Rᵀ
        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, T.One, s.View, ft.View);  // Gᵀ = R⁻¹·Fᵀ
        ThinSymmetricPasses.SubtractGram(cLower, ft.Data, u);                      // C −= G·Gᵀ      (pass 2 over C)
        Blas.Trsm(Side.Left, Triangle.Upper, Diagonal.NonUnit, T.One, s.View.Transposed, ft.View); // R⁻ᵀ·Gᵀ = (F·S⁻¹)ᵀ
        ft.View.Transposed.CopyTo(gain);
    }

    /// <summary>Many rows: the step is flop-bound, so it runs as SYMM, TRSM and SYRK with <paramref name="gain"/> as the d×u workspace.</summary>
    private static void UpdateLevel3<T>(MatrixView<T> cLower, MatrixView<T> k, MatrixView<T> gain)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        MatrixView<T> f = gain;
        Blas.Symm(Side.Left, T.One, cLower, k.Transposed, T.Zero, f);             // F = C·Kᵀ          (pass 1 over C)
        var s = FactorGramian(k, f);                                              // S = I + K·F = R·Rᵀ
        Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, T.One, s.View.Transposed, f); // G = F·R⁻ᵀ
        Blas.Syrk(-T.One, f, T.One, cLower);                                      // C −= G·Gᵀ         (pass 2 over C)
        Blas.Trsm(Side.Right, Triangle.Lower, Diagonal.NonUnit, T.One, s.View, f);  // G·R⁻¹ = F·S⁻¹
    }

    /// <summary>The u×u Cholesky factor R of S = I + K·F; a failure means C was not positive definite.</summary>
    private static Matrix<T> FactorGramian<T>(MatrixView<T> k, MatrixView<T> f) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = Matrix<T>.Identity(k.Rows);
        Blas.Gemm(T.One, k, f, T.One, s.View);
        try
        {
            Cholesky.FactorInPlace(s.View);
        }
        catch (NotPositiveDefiniteException e)
        {
            throw new NotPositiveDefiniteException("Woodbury.UpdateInPlace (S = I + K·C·Kᵀ; C must be positive definite)", e.PivotIndex, e.PivotValue);
        }
        return s;
    }
}
