using System.Numerics;

namespace RlsEdit.Tensors;

public static partial class Blas
{
    /// <summary>
    /// Solves A·X = α·B (<see cref="Side.Left"/>) or X·A = α·B (<see cref="Side.Right"/>) in place of B, where A is
    /// triangular (<paramref name="triangle"/> names the triangle of the view <paramref name="a"/> as given; pass
    /// <c>l.Transposed</c> with <see cref="Triangle.Upper"/> for Lᵀ).
    /// </summary>
    public static void Trsm<T>(Side side, Triangle triangle, Diagonal diagonal, T alpha, MatrixView<T> a, MatrixView<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(a, "Blas.Trsm", "a");
        int n = a.Rows;
        if (side == Side.Left && b.Rows != n) throw new ShapeMismatchException("Blas.Trsm", "b", $"{n} rows", $"{b.Rows}×{b.Cols}");
        if (side == Side.Right && b.Cols != n) throw new ShapeMismatchException("Blas.Trsm", "b", $"{n} columns", $"{b.Rows}×{b.Cols}");
        ReferenceBlas.Trsm(side, triangle, diagonal, alpha, a, b);
    }
}
