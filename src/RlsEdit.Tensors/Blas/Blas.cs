using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>
/// Level-3 BLAS over <see cref="MatrixView{T}"/>. Transposes are expressed with
/// <see cref="MatrixView{T}.Transposed"/> views, so one entry point covers every transpose combination.
/// </summary>
public static partial class Blas
{
    /// <summary>C ← α·A·B + β·C. When β = 0, C is never read (NaNs in C do not propagate).</summary>
    public static void Gemm<T>(T alpha, MatrixView<T> a, MatrixView<T> b, T beta, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols != b.Rows) throw new ShapeMismatchException("Blas.Gemm", "b", $"{a.Cols}×{b.Cols} (rows = columns of a)", $"{b.Rows}×{b.Cols}");
        Guard.Shape(c, a.Rows, b.Cols, "Blas.Gemm", "c");
        ReferenceBlas.Gemm(alpha, a, b, beta, c);
    }

    /// <summary>Lower triangle of C ← α·A·Aᵀ + β·C (C is n×n, A is n×k). The strict upper triangle is not touched.</summary>
    public static void Syrk<T>(T alpha, MatrixView<T> a, T beta, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Shape(c, a.Rows, a.Rows, "Blas.Syrk", "c");
        ReferenceBlas.Syrk(alpha, a, beta, c);
    }

    /// <summary>
    /// C ← α·A·B + β·C (<see cref="Side.Left"/>) or C ← α·B·A + β·C (<see cref="Side.Right"/>), where A is
    /// symmetric and only its lower triangle is read.
    /// </summary>
    public static void Symm<T>(Side side, T alpha, MatrixView<T> aLower, MatrixView<T> b, T beta, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(aLower, "Blas.Symm", "a");
        int n = aLower.Rows;
        if (side == Side.Left && b.Rows != n) throw new ShapeMismatchException("Blas.Symm", "b", $"{n} rows", $"{b.Rows}×{b.Cols}");
        if (side == Side.Right && b.Cols != n) throw new ShapeMismatchException("Blas.Symm", "b", $"{n} columns", $"{b.Rows}×{b.Cols}");
        Guard.Shape(c, b.Rows, b.Cols, "Blas.Symm", "c");
        ReferenceBlas.Symm(side, alpha, aLower, b, beta, c);
    }

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
