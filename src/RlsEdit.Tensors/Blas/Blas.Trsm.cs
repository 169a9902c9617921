using System.Numerics;

namespace RlsEdit.Tensors;

public static partial class Blas
{
    /// <summary>
    /// Solves A·X = α·B (<see cref="Side.Left"/>) or X·A = α·B (<see cref="Side.Right"/>) in place of B, where A is
    /// triangular (<paramref name="triangle"/> names the triangle of the view <paramref name="a"/> as given; pass
    /// <c>l.Transposed</c> with <see cref="Triangle.Upper"/> for Lᵀ). Only that triangle of A is read (and, for
    /// <see cref="Diagonal.Unit"/>, not its diagonal). Blocked: triangles of up to 512 rows are solved on packed panels
    /// with the GEMM micro-kernel, larger ones are split into those and <see cref="Gemm{T}"/> updates.
    /// </summary>
    public static void Trsm<T>(Side side, Triangle triangle, Diagonal diagonal, T alpha, MatrixView<T> a, MatrixView<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(a, "Blas.Trsm", "a");
        int n = a.Rows;
        if (side == Side.Left && b.Rows != n) throw new ShapeMismatchException("Blas.Trsm", "b", $"{n} rows", $"{b.Rows}×{b.Cols}");
        if (side == Side.Right && b.Cols != n) throw new ShapeMismatchException("Blas.Trsm", "b", $"{n} columns", $"{b.Rows}×{b.Cols}");
        if (b.IsEmpty) return;

        if (side == Side.Right)
        {
            // X·A = αB  ⇔  Aᵀ·Xᵀ = αBᵀ, and the transpose of a triangle is the opposite triangle.
            (triangle, a, b) = (triangle == Triangle.Lower ? Triangle.Upper : Triangle.Lower, a.Transposed, b.Transposed);
        }
        if (alpha != T.One) BlockedTriangularSolve.Scale(alpha, b);
        if (alpha == T.Zero) return;
        if ((long)n * n * b.Cols <= BlockedTriangularSolve.ReferenceWorkLimit)
            ReferenceBlas.Trsm(Side.Left, triangle, diagonal, T.One, a, b);
        else
            BlockedTriangularSolve.SolveLeft(triangle == Triangle.Lower, diagonal == Diagonal.Unit, a, b);
    }
}
