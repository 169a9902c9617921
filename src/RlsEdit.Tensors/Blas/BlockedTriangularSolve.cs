using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace RlsEdit.Tensors;

/// <summary>
/// The recursive left-side triangular solve behind <see cref="Blas.Trsm{T}"/>: A·X = B with
/// A = [A11 0; A21 A22] (lower) is X1 = A11⁻¹B1, B2 −= A21·X1, X2 = A22⁻¹B2, so all but the
/// diagonal-block work runs in GEMM. Triangles of up to <see cref="PackedTriangularSolve.MaxSize"/> rows with at
/// least one micro-kernel strip of columns are solved on packed panels by <see cref="PackedTriangularSolve"/> (so
/// the GEMM updates above them have k ≥ 256); otherwise (few columns, or no generated kernel for the element type)
/// the recursion goes down to diagonal blocks of at most <see cref="BaseSize"/> rows, packed and solved by
/// <see cref="TriangularSubstitution"/>.
/// </summary>
internal static class BlockedTriangularSolve
{
    /// <summary>Largest diagonal block solved without recursion (measured: 16 beat 32 and 64 in potrf and TRSM).</summary>
    public const int BaseSize = 16;

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
        if (PackedTriangularSolve.Applies<T>(n, b.Cols)) { PackedTriangularSolve.Solve(lower, unit, a, b); return; }
        if (n <= BaseSize) { SolveDiagonalBlock(lower, unit, a, b); return; }

        // Split on a multiple of the base size so the leaves are full blocks.
        int n1 = Math.Max(BaseSize, n / 2 / BaseSize * BaseSize), n2 = n - n1;
        MatrixView<T> b1 = b.RowRange(0, n1), b2 = b.RowRange(n1, n2);
        if (lower)
        {
            SolveLeft(lower, unit, a.Slice(0, 0, n1, n1), b1);
            SubtractProduct(a.Slice(n1, 0, n2, n1), b1, b2);
            SolveLeft(lower, unit, a.Slice(n1, n1, n2, n2), b2);
        }
        else
        {
            SolveLeft(lower, unit, a.Slice(n1, n1, n2, n2), b2);
            SubtractProduct(a.Slice(0, n1, n1, n2), b2, b1);
            SolveLeft(lower, unit, a.Slice(0, 0, n1, n1), b1);
        }
    }

    /// <summary>
    /// C −= A·B, computed as Cᵀ −= Bᵀ·Aᵀ when C is a transposed view (a right-side solve of a row-major B), so the
    /// GEMM always writes along contiguous rows.
    /// </summary>
    private static void SubtractProduct<T>(MatrixView<T> a, MatrixView<T> b, MatrixView<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!c.HasContiguousRows && c.Transposed.HasContiguousRows)
            Blas.Gemm(-T.One, b.Transposed, a.Transposed, T.One, c.Transposed);
        else
            Blas.Gemm(-T.One, a, b, T.One, c);
    }

    /// <summary>
    /// Substitution on a small triangle: A is packed densely (negated) with its reciprocal diagonal, B is packed
    /// panel by panel into contiguous rows for <see cref="TriangularSubstitution"/>.
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
                Pack(block, panel);

                TriangularSubstitution.Solve(lower, unit, tri, invDiag, panel.AsSpan(0, n * w), n, w);
                Unpack(panel, block);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packedA);
            ArrayPool<T>.Shared.Return(panel);
        }
    }

    /// <summary>Copies a block into contiguous rows, walking the source in its unit-stride direction.</summary>
    private static void Pack<T>(MatrixView<T> block, T[] panel) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = block.Rows, w = block.Cols;
        if (block.HasContiguousRows)
        {
            for (int i = 0; i < n; i++) block.RowSpan(i).CopyTo(panel.AsSpan(i * w, w));
            return;
        }
        // Column-major-like source (a transposed view): read each source column run, scatter with stride w.
        T[] source = block.Array;
        for (int j = 0; j < w; j++)
        {
            int at = block.Offset + j * block.ColStride;
            for (int i = 0; i < n; i++, at += block.RowStride) panel[i * w + j] = source[at];
        }
    }

    private static void Unpack<T>(T[] panel, MatrixView<T> block) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = block.Rows, w = block.Cols;
        if (block.HasContiguousRows)
        {
            for (int i = 0; i < n; i++) panel.AsSpan(i * w, w).CopyTo(block.RowSpan(i));
            return;
        }
        T[] destination = block.Array;
        for (int j = 0; j < w; j++)
        {
            int at = block.Offset + j * block.ColStride;
            for (int i = 0; i < n; i++, at += block.RowStride) destination[at] = panel[i * w + j];
        }
    }
}
