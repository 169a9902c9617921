using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>Rank-k changes of a symmetric matrix held in its lower triangle.</summary>
public static class SymmetricRankUpdate
{
    /// <summary>
    /// Lower triangle of C ← C − G·Gᵀ in place (C is n×n, G is n×k); the strict upper triangle is untouched.
    /// Positive definiteness is not checked (that would need a factorization).
    /// </summary>
    /// <exception cref="ShapeMismatchException">C is not square or G does not have n rows.</exception>
    public static void DowndateInPlace<T>(MatrixView<T> cLower, MatrixView<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "SymmetricRankUpdate.DowndateInPlace";
        Guard.Square(cLower, op, "c");
        if (g.Rows != cLower.Rows) throw new ShapeMismatchException(op, "g", $"{cLower.Rows} rows", $"{g.Rows}×{g.Cols}");
        Blas.Syrk(-T.One, g, T.One, cLower);
    }

    /// <summary>Lower triangle of C ← C + G·Gᵀ in place; the strict upper triangle is untouched.</summary>
    /// <exception cref="ShapeMismatchException">C is not square or G does not have n rows.</exception>
    public static void UpdateInPlace<T>(MatrixView<T> cLower, MatrixView<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "SymmetricRankUpdate.UpdateInPlace";
        Guard.Square(cLower, op, "c");
        if (g.Rows != cLower.Rows) throw new ShapeMismatchException(op, "g", $"{cLower.Rows} rows", $"{g.Rows}×{g.Cols}");
        Blas.Syrk(T.One, g, T.One, cLower);
    }
}
