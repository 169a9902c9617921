using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Tensors.Tests;

/// <summary>How a test operand is laid out in memory; every fast path must give the same answer for each.</summary>
public enum Layout
{
    RowMajor,
    /// <summary>Stored as the transpose and viewed through <c>Transposed</c> (unit row stride).</summary>
    Transposed,
    /// <summary>A sub-block of a larger matrix (row stride &gt; columns, non-zero offset).</summary>
    Strided,
    /// <summary>A transposed sub-block of a larger matrix.</summary>
    StridedTransposed,
    /// <summary>Neither stride is 1.</summary>
    EveryOther,
}

internal static class TestMatrices
{
    /// <summary>
    /// A rows×cols view with the given layout, filled with uniform values in [-1, 1); every array element outside
    /// the view is NaN so that a read outside the view shows up in the result.
    /// </summary>
    public static MatrixView<T> Random<T>(Random rng, int rows, int cols, Layout layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var view = Empty<T>(rows, cols, layout, T.NaN);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) view[i, j] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        return view;
    }

    /// <summary>A rows×cols view with the given layout whose whole backing array holds <paramref name="fill"/>.</summary>
    public static MatrixView<T> Empty<T>(int rows, int cols, Layout layout, T fill) where T : unmanaged, IFloatingPointIeee754<T>
    {
        MatrixView<T> view;
        switch (layout)
        {
            case Layout.RowMajor:
                view = MatrixView<T>.RowMajor(new T[rows * cols], rows, cols);
                break;
            case Layout.Transposed:
                view = MatrixView<T>.RowMajor(new T[rows * cols], cols, rows).Transposed;
                break;
            case Layout.Strided:
                view = MatrixView<T>.RowMajor(new T[(rows + 3) * (cols + 5)], rows + 3, cols + 5).Slice(2, 3, rows, cols);
                break;
            case Layout.StridedTransposed:
                view = MatrixView<T>.RowMajor(new T[(cols + 4) * (rows + 3)], cols + 4, rows + 3).Slice(1, 2, cols, rows).Transposed;
                break;
            default:
                view = new MatrixView<T>(new T[rows * (2 * cols + 1) + 1], 1, rows, cols, 2 * cols + 1, 2);
                break;
        }
        System.Array.Fill(view.Array, fill);
        return view;
    }

    public static MatrixView<T> Copy<T>(MatrixView<T> source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var array = (T[])source.Array.Clone();
        return new MatrixView<T>(array, source.Offset, source.Rows, source.Cols, source.RowStride, source.ColStride);
    }

    public static double Epsilon<T>() => typeof(T) == typeof(float) ? Math.Pow(2, -23) : Math.Pow(2, -52);

    /// <summary>
    /// Checks |ĉ − c| ≤ 4·(k + 2)·ε·(|α|·(|A||B|)ᵢⱼ + |β|·|C₀ᵢⱼ|) element-wise, where c and the bound come from
    /// the caller (computed in double from the inputs), the standard forward-error bound of a k-term dot product.
    /// </summary>
    public static void AssertClose<T>(MatrixView<T> actual, double[,] expected, double[,] magnitude, int k, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double eps = Epsilon<T>();
        for (int i = 0; i < actual.Rows; i++)
            for (int j = 0; j < actual.Cols; j++)
            {
                if (double.IsNaN(expected[i, j])) continue; // not part of the result (e.g. SYRK's upper triangle)
                double got = double.CreateTruncating(actual[i, j]);
                double tolerance = 4 * (k + 2) * eps * magnitude[i, j] + double.Epsilon;
                if (!(Math.Abs(got - expected[i, j]) <= tolerance))
                    throw new Xunit.Sdk.XunitException(
                        $"{what}: element ({i}, {j}) is {got:R}, expected {expected[i, j]:R} ± {tolerance:E2} (k = {k}).");
            }
    }

    /// <summary>Every array element outside <paramref name="view"/> must still hold <paramref name="fill"/> (NaN-aware).</summary>
    public static void AssertOutsideUntouched<T>(MatrixView<T> view, T fill, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var inside = new HashSet<int>();
        for (int i = 0; i < view.Rows; i++)
            for (int j = 0; j < view.Cols; j++) inside.Add(view.Offset + i * view.RowStride + j * view.ColStride);
        for (int x = 0; x < view.Array.Length; x++)
            if (!inside.Contains(x) && !view.Array[x].Equals(fill))
                throw new Xunit.Sdk.XunitException($"{what}: array element {x} outside the view was overwritten with {view.Array[x]}.");
    }
}
