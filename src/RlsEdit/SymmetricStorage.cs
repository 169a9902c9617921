using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit;

/// <summary>Helpers for symmetric matrices that the core stores in their lower triangle only.</summary>
internal static class SymmetricStorage
{
    /// <summary>Copies the strict lower triangle onto the strict upper one, so the full array holds the symmetric matrix.</summary>
    public static void MirrorLowerToUpper<T>(MatrixView<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < i; j++) a[j, i] = a[i, j];
    }

    /// <summary>Copies the lower triangle (diagonal included) of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void CopyLower<T>(MatrixView<T> source, MatrixView<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool rows = source.HasContiguousRows && destination.HasContiguousRows;
        for (int i = 0; i < source.Rows; i++)
        {
            if (rows) source.RowSpan(i)[..(i + 1)].CopyTo(destination.RowSpan(i));   // the reset mode copies d_k²/2 per step
            else
                for (int j = 0; j <= i; j++) destination[i, j] = source[i, j];
        }
    }
}
