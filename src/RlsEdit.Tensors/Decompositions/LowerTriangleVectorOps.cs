using System.Numerics;
using System.Numerics.Tensors;

namespace RlsEdit.Tensors;

/// <summary>
/// Matrix–vector work on a lower triangle, row by row with vectorized spans: the level-2 operations Lanczos repeats
/// dozens of times, where packing for the level-3 kernels would cost more than the arithmetic.
/// </summary>
internal static class LowerTriangleVectorOps
{
    /// <summary>y ← A·x for the symmetric A whose lower triangle is <paramref name="aLower"/>.</summary>
    public static void SymmetricMultiply<T>(MatrixView<T> aLower, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = aLower.Rows;
        y.Clear();
        for (int i = 0; i < n; i++)
        {
            if (aLower.HasContiguousRows)
            {
                // Row i of the lower triangle serves both as row i (dot) and, mirrored, as column i (axpy).
                ReadOnlySpan<T> row = aLower.RowSpan(i)[..i];
                y[i] += TensorPrimitives.Dot(row, x[..i]) + aLower[i, i] * x[i];
                TensorPrimitives.MultiplyAdd(row, x[i], y[..i], y[..i]);
            }
            else
            {
                T sum = aLower[i, i] * x[i];
                for (int j = 0; j < i; j++)
                {
                    sum += aLower[i, j] * x[j];
                    y[j] += aLower[i, j] * x[i];
                }
                y[i] += sum;
            }
        }
    }

    /// <summary>x ← (L·Lᵀ)⁻¹·x for a dense row-major Cholesky factor <paramref name="l"/> (lower triangle).</summary>
    public static void CholeskySolve<T>(Matrix<T> l, Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows;
        // L·y = x: each yᵢ needs the finished y₀..yᵢ₋₁ and row i of L.
        for (int i = 0; i < n; i++)
            x[i] = (x[i] - TensorPrimitives.Dot<T>(l.Data.AsSpan(i * n, i), x[..i])) / l[i, i];
        // Lᵀ·z = y: once zᵢ is known, remove its share (column i of Lᵀ = row i of L) from the rows above.
        for (int i = n - 1; i >= 0; i--)
        {
            x[i] /= l[i, i];
            TensorPrimitives.MultiplyAdd<T>(l.Data.AsSpan(i * n, i), -x[i], x[..i], x[..i]);
        }
    }
}
