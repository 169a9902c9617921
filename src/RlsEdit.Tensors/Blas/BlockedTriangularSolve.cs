using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace RlsEdit.Tensors;

/// <summary>
/// The recursive left-side triangular solve behind <see cref="Blas.Trsm{T}"/>: A·X = B with
/// A = [A11 0; A21 A22] (lower) is X1 = A11⁻¹B1, B2 −= A21·X1, X2 = A22⁻¹B2, so all but the
/// diagonal-block work runs in GEMM. Diagonal blocks of at most <see cref="BaseSize"/> rows are solved by a
/// packed row-AXPY kernel.
/// </summary>
internal static class BlockedTriangularSolve
{
    /// <summary>Largest diagonal block solved without recursion (rows of B in one packed panel).</summary>
    public const int BaseSize = 32;

    /// <summary>Below n²·m of this many multiply-adds the plain reference loops are the fastest path.</summary>
    public const long ReferenceWorkLimit = 4096;

    /// <summary>Columns of B packed at once: BaseSize rows of this width stay in L1/L2.</summary>
    private const int PanelWidth = 256;

    /// <summary>B ← α·B (α = 0 writes zeros without reading B, as BLAS does).</summary>
    public static void Scale<T>(T alpha, MatrixView<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (alpha == T.Zero) { b.Fill(T.Zero); return; }
        for (int i = 0; i < b.Rows; i++)
        {
            if (b.HasContiguousRows) TensorPrimitives.Multiply(b.RowSpan(i), alpha, b.RowSpan(i));
            else for (int j = 0; j < b.Cols; j++) b[i, j] *= alpha;
        }
    }

    /// <summary>B ← A⁻¹·B for the triangle of A named by <paramref name="lower"/>; shapes already checked.</summary>
    public static void SolveLeft<T>(bool lower, bool unit, MatrixView<T> a, MatrixView<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        if (n <= BaseSize) { SolveDiagonalBlock(lower, unit, a, b); return; }

        // Split on a multiple of the base size so the leaves are full blocks.
        int n1 = Math.Max(BaseSize, n / 2 / BaseSize * BaseSize), n2 = n - n1;
        MatrixView<T> b1 = b.RowRange(0, n1), b2 = b.RowRange(n1, n2);
        if (lower)
        {
            SolveLeft(lower, unit, a.Slice(0, 0, n1, n1), b1);
            Blas.Gemm(-T.One, a.Slice(n1, 0, n2, n1), b1, T.One, b2);
            SolveLeft(lower, unit, a.Slice(n1, n1, n2, n2), b2);
        }
        else
        {
            SolveLeft(lower, unit, a.Slice(n1, n1, n2, n2), b2);
            Blas.Gemm(-T.One, a.Slice(0, n1, n1, n2), b2, T.One, b1);
            SolveLeft(lower, unit, a.Slice(0, 0, n1, n1), b1);
        }
    }

    /// <summary>
    /// Substitution on a small triangle: A is packed densely with its reciprocal diagonal, B is packed panel by
    /// panel into contiguous rows, and each row is finished with one AXPY per earlier row.
    /// </summary>
    private static void SolveDiagonalBlock<T>(bool lower, bool unit, MatrixView<T> a, MatrixView<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows, m = b.Cols;
        int width = Math.Min(PanelWidth, m);
        T[] packedA = ArrayPool<T>.Shared.Rent(n * n + n);
        T[] panel = ArrayPool<T>.Shared.Rent(n * width);
        try
        {
            var tri = packedA.AsSpan(0, n * n);
            var invDiag = packedA.AsSpan(n * n, n);
            for (int i = 0; i < n; i++)
            {
                int from = lower ? 0 : i + 1, to = lower ? i : n;
                for (int p = from; p < to; p++) tri[i * n + p] = -a[i, p];
                invDiag[i] = unit ? T.One : T.One / a[i, i];
            }

            for (int c0 = 0; c0 < m; c0 += width)
            {
                int w = Math.Min(width, m - c0);
                var block = b.Slice(0, c0, n, w);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < w; j++) panel[i * w + j] = block[i, j];

                for (int step = 0; step < n; step++)
                {
                    int i = lower ? step : n - 1 - step;
                    var row = panel.AsSpan(i * w, w);
                    int from = lower ? 0 : i + 1, to = lower ? i : n;
                    for (int p = from; p < to; p++)
                        TensorPrimitives.FusedMultiplyAdd(panel.AsSpan(p * w, w), tri[i * n + p], row, row);
                    if (!unit) TensorPrimitives.Multiply(row, invDiag[i], row);
                }

                for (int i = 0; i < n; i++)
                    for (int j = 0; j < w; j++) block[i, j] = panel[i * w + j];
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packedA);
            ArrayPool<T>.Shared.Return(panel);
        }
    }
}
