using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace RlsEdit.Tensors;

/// <summary>
/// The recursive building blocks of the blocked Cholesky routines: each splits its triangle in two, hands the
/// off-diagonal block to a level-3 call and recurses on the diagonal blocks, down to a small unblocked leaf.
/// </summary>
internal static class CholeskyKernels
{
    /// <summary>Triangles of at most this size are handled by the unblocked leaves.</summary>
    public const int LeafSize = 32;

    /// <summary>Lower triangle of A ← L with A = L·Lᵀ (potrf2); <paramref name="pivotOffset"/> places the block in the whole matrix for error reports.</summary>
    public static void FactorDiagonalBlock<T>(MatrixView<T> a, int pivotOffset, string operation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        if (n <= LeafSize) { FactorLeaf(a, pivotOffset, operation); return; }
        int n1 = n / 2, n2 = n - n1;
        MatrixView<T> a11 = a.Slice(0, 0, n1, n1), a21 = a.Slice(n1, 0, n2, n1), a22 = a.Slice(n1, n1, n2, n2);
        FactorDiagonalBlock(a11, pivotOffset, operation);
        Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, T.One, a11.Transposed, a21);
        Blas.Syrk(-T.One, a21, T.One, a22);
        FactorDiagonalBlock(a22, pivotOffset + n1, operation);
    }

    /// <summary>Row-by-row (Cholesky–Banachiewicz) on a packed copy, so each entry is one contiguous dot product.</summary>
    private static void FactorLeaf<T>(MatrixView<T> a, int pivotOffset, string operation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        T[] rented = ArrayPool<T>.Shared.Rent(n * n);
        try
        {
            var l = rented.AsSpan(0, n * n);
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++) l[i * n + j] = a[i, j];
            for (int i = 0; i < n; i++)
            {
                var rowI = l.Slice(i * n, i);
                for (int j = 0; j < i; j++)
                    l[i * n + j] = (l[i * n + j] - TensorPrimitives.Dot<T>(rowI.Slice(0, j), l.Slice(j * n, j))) / l[j * n + j];
                T pivot = l[i * n + i] - TensorPrimitives.Dot<T>(rowI, rowI);
                if (!(pivot > T.Zero) || !T.IsFinite(pivot))
                    throw new NotPositiveDefiniteException(operation, pivotOffset + i, double.CreateTruncating(pivot));
                l[i * n + i] = T.Sqrt(pivot);
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++) a[i, j] = l[i * n + j];
        }
        finally { ArrayPool<T>.Shared.Return(rented); }
    }

    /// <summary>
    /// Lower triangle of L ← L⁻¹ (trtri): with L = [L11 0; L21 L22], L⁻¹ = [L11⁻¹ 0; −L22⁻¹·L21·L11⁻¹ L22⁻¹],
    /// so the off-diagonal block is two TRSMs against the still-original diagonal blocks.
    /// </summary>
    public static void InvertLowerInPlace<T>(MatrixView<T> l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows;
        if (n <= LeafSize) { InvertLowerLeaf(l); return; }
        int n1 = n / 2, n2 = n - n1;
        MatrixView<T> l11 = l.Slice(0, 0, n1, n1), l21 = l.Slice(n1, 0, n2, n1), l22 = l.Slice(n1, n1, n2, n2);
        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, -T.One, l22, l21); // −L22⁻¹·L21
        Blas.Trsm(Side.Right, Triangle.Lower, Diagonal.NonUnit, T.One, l11, l21); // ·L11⁻¹
        InvertLowerInPlace(l11);
        InvertLowerInPlace(l22);
    }

    /// <summary>Column by column from the right: column j of L⁻¹ below the diagonal is −(L⁻¹)₂₂·L[j+1:, j] / L_jj.</summary>
    private static void InvertLowerLeaf<T>(MatrixView<T> l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows;
        for (int j = n - 1; j >= 0; j--)
        {
            T inv = T.One / l[j, j];
            l[j, j] = inv;
            // x ← X22·x with X22 = (already inverted) trailing block; bottom-up so x_p (p < i) is still the input.
            for (int i = n - 1; i > j; i--)
            {
                T s = T.Zero;
                for (int p = j + 1; p <= i; p++) s += l[i, p] * l[p, j];
                l[i, j] = -s * inv;
            }
        }
    }

    /// <summary>
    /// Lower triangle of X ← Xᵀ·X for lower-triangular X (lauum): with X = [X11 0; X21 X22],
    /// lower(XᵀX) = [X11ᵀX11 + X21ᵀX21, ·; X22ᵀX21, X22ᵀX22].
    /// </summary>
    public static void LowerGramInPlace<T>(MatrixView<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows;
        if (n <= LeafSize) { LowerGramLeaf(x); return; }
        int n1 = n / 2, n2 = n - n1;
        MatrixView<T> x11 = x.Slice(0, 0, n1, n1), x21 = x.Slice(n1, 0, n2, n1), x22 = x.Slice(n1, n1, n2, n2);
        LowerGramInPlace(x11);
        Blas.Syrk(T.One, x21.Transposed, T.One, x11);        // += X21ᵀ·X21
        MultiplyUpperInPlace(x22.Transposed, x21);           // X21 ← X22ᵀ·X21 (X21 was needed above, X22 below)
        LowerGramInPlace(x22);
    }

    /// <summary>Row i of the result needs rows ≥ i only, and X_ii last, so rows go top-down and each row's diagonal last.</summary>
    private static void LowerGramLeaf<T>(MatrixView<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                T s = T.Zero;
                for (int p = i; p < n; p++) s += x[p, i] * x[p, j];
                x[i, j] = s;
            }
    }

    /// <summary>Top-down row AXPYs: row i of U·B needs rows ≥ i of B only, which are still the input.</summary>
    private static void MultiplyUpperLeaf<T>(MatrixView<T> u, MatrixView<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = u.Rows;
        if (!b.HasContiguousRows)
        {
            for (int i = 0; i < n; i++)
                for (int c = 0; c < b.Cols; c++)
                {
                    T s = T.Zero;
                    for (int p = i; p < n; p++) s += u[i, p] * b[p, c];
                    b[i, c] = s;
                }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            var row = b.RowSpan(i);
            TensorPrimitives.Multiply(row, u[i, i], row);
            for (int p = i + 1; p < n; p++) TensorPrimitives.FusedMultiplyAdd(b.RowSpan(p), u[i, p], row, row);
        }
    }

    /// <summary>B ← U·B for upper-triangular U (trmm): B1 ← U11·B1 + U12·B2 while B2 is still the input, then B2 ← U22·B2.</summary>
    public static void MultiplyUpperInPlace<T>(MatrixView<T> u, MatrixView<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = u.Rows;
        if (n <= LeafSize) { MultiplyUpperLeaf(u, b); return; }
        int n1 = n / 2, n2 = n - n1;
        MatrixView<T> b1 = b.RowRange(0, n1), b2 = b.RowRange(n1, n2);
        MultiplyUpperInPlace(u.Slice(0, 0, n1, n1), b1);
        Blas.Gemm(T.One, u.Slice(0, n1, n1, n2), b2, T.One, b1);
        MultiplyUpperInPlace(u.Slice(n1, n1, n2, n2), b2);
    }
}
