using System.Numerics;

namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// The fast bodies of <see cref="Blas.Gemm{T}"/>, <see cref="Blas.Syrk{T}"/> and <see cref="Blas.Symm{T}"/> on views
/// whose shapes were already checked. Each takes its <see cref="GemmOptions{T}"/> so tests can force blocking
/// edges and specific kernels; tiny problems and element types without kernels go to <see cref="ReferenceBlas"/>.
/// </summary>
internal static unsafe class Level3
{
    public static void Gemm<T>(T alpha, MatrixView<T> a, MatrixView<T> b, T beta, MatrixView<T> c, GemmOptions<T>? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = c.Rows, n = c.Cols, k = a.Cols;
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero) { Scale(beta, c, lowerOnly: false); return; }
        if (!KernelSelection.HasKernels<T>()) { ReferenceBlas.Gemm(alpha, a, b, beta, c); return; }
        options ??= GemmOptions<T>.Default;
        if (2.0 * m * n * k < options.ReferenceBelowFlops) { ReferenceBlas.Gemm(alpha, a, b, beta, c); return; }
        fixed (T* pa = a.Array, pb = b.Array, pc = c.Array)
        {
            GemmDriver.Run(new Operand<T>(pa + a.Offset, a.RowStride, a.ColStride), new Operand<T>(pb + b.Offset, b.RowStride, b.ColStride),
                pc + c.Offset, c.RowStride, c.ColStride, m, n, k, alpha, beta, lowerOnly: false, diagonal: 0, options);
        }
    }

    public static void Syrk<T>(T alpha, MatrixView<T> a, T beta, MatrixView<T> c, GemmOptions<T>? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = c.Rows, k = a.Cols;
        if (n == 0) return;
        if (k == 0 || alpha == T.Zero) { Scale(beta, c, lowerOnly: true); return; }
        if (!KernelSelection.HasKernels<T>()) { ReferenceBlas.Syrk(alpha, a, beta, c); return; }
        options ??= GemmOptions<T>.Default;
        if (1.0 * n * n * k < options.ReferenceBelowFlops) { ReferenceBlas.Syrk(alpha, a, beta, c); return; }
        fixed (T* pa = a.Array, pc = c.Array)
        {
            var op = new Operand<T>(pa + a.Offset, a.RowStride, a.ColStride);
            GemmDriver.Run(op, op.Transposed, pc + c.Offset, c.RowStride, c.ColStride, n, n, k, alpha, beta, lowerOnly: true, diagonal: 0, options);
        }
    }

    public static void Symm<T>(Side side, T alpha, MatrixView<T> aLower, MatrixView<T> b, T beta, MatrixView<T> c, GemmOptions<T>? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = c.Rows, n = c.Cols, k = aLower.Rows;
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero) { Scale(beta, c, lowerOnly: false); return; }
        if (!KernelSelection.HasKernels<T>()) { ReferenceBlas.Symm(side, alpha, aLower, b, beta, c); return; }
        options ??= GemmOptions<T>.Default;
        if (2.0 * m * n * k < options.ReferenceBelowFlops) { ReferenceBlas.Symm(side, alpha, aLower, b, beta, c); return; }
        fixed (T* ps = aLower.Array, pb = b.Array, pc = c.Array)
        {
            var symmetric = new Operand<T>(ps + aLower.Offset, aLower.RowStride, aLower.ColStride, symmetricLower: true);
            var general = new Operand<T>(pb + b.Offset, b.RowStride, b.ColStride);
            var (left, right) = side == Side.Left ? (symmetric, general) : (general, symmetric);
            GemmDriver.Run(left, right, pc + c.Offset, c.RowStride, c.ColStride, m, n, k, alpha, beta, lowerOnly: false, diagonal: 0, options);
        }
    }

    /// <summary>C ← β·C (all of C, or its lower triangle); β = 0 writes zeros without reading C.</summary>
    private static void Scale<T>(T beta, MatrixView<T> c, bool lowerOnly) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < c.Rows; i++)
        {
            int cols = lowerOnly ? Math.Min(i + 1, c.Cols) : c.Cols;
            for (int j = 0; j < cols; j++) c[i, j] = beta == T.Zero ? T.Zero : beta * c[i, j];
        }
    }
}
