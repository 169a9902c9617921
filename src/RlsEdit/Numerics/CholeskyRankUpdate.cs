using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Numerics;

/// <summary>
/// Rank-one updates of a Cholesky factor: after <see cref="AddRowsInPlace{T}"/>, L·Lᵀ = L₀·L₀ᵀ + KᵀK. Each row costs O(d²)
/// Givens-like rotations (LINPACK dchud); the factor stays triangular with a positive diagonal, so H never loses
/// definiteness the way a subtractive update of H⁻¹ can.
/// </summary>
internal static class CholeskyRankUpdate
{
    /// <summary>Updates the lower factor <paramref name="lower"/> (d×d) in place for the u rows of <paramref name="rows"/> (u×d).</summary>
    public static void AddRowsInPlace<T>(MatrixView<T> lower, MatrixView<T> rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = lower.Rows;
        var x = new T[n];
        for (int r = 0; r < rows.Rows; r++)
        {
            for (int j = 0; j < n; j++) x[j] = rows[r, j];
            for (int i = 0; i < n; i++)
            {
                T lii = lower[i, i];
                T radius = T.Hypot(lii, x[i]);
                T c = radius / lii, s = x[i] / lii;
                lower[i, i] = radius;
                for (int j = i + 1; j < n; j++)
                {
                    T lji = (lower[j, i] + s * x[j]) / c;
                    x[j] = c * x[j] - s * lji;
                    lower[j, i] = lji;
                }
            }
        }
    }
}
