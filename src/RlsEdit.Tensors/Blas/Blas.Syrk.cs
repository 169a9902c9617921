using System.Numerics;

namespace RlsEdit.Tensors;

public static partial class Blas
{
    /// <summary>Lower triangle of C ← α·A·Aᵀ + β·C (C is n×n, A is n×k). The strict upper triangle is not touched.</summary>
    public static void Syrk<T>(T alpha, MatrixView<T> a, T beta, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Shape(c, a.Rows, a.Rows, "Blas.Syrk", "c");
        Kernels.Level3.Syrk(alpha, a, beta, c);
    }
}
