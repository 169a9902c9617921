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
        Kernels.Level3.Gemm(alpha, a, b, beta, c);
    }
}
