using System.Numerics;

namespace RlsEdit.Tensors;

public static partial class Blas
{
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
        Kernels.Level3.Symm(side, alpha, aLower, b, beta, c);
    }
}
