using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>Argument checks shared by every routine; each throws a typed exception naming the operation and argument.</summary>
public static class Guard
{
    /// <summary>Requires <paramref name="a"/> and <paramref name="b"/> to have the same shape.</summary>
    public static void SameShape<T>(MatrixView<T> a, MatrixView<T> b, string operation, string nameA, string nameB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols)
            throw new ShapeMismatchException(operation, nameB, $"{a.Rows}×{a.Cols} (the shape of '{nameA}')", $"{b.Rows}×{b.Cols}");
    }

    /// <summary>Requires <paramref name="a"/> to be <paramref name="rows"/>×<paramref name="cols"/>.</summary>
    public static void Shape<T>(MatrixView<T> a, int rows, int cols, string operation, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != rows || a.Cols != cols)
            throw new ShapeMismatchException(operation, name, $"{rows}×{cols}", $"{a.Rows}×{a.Cols}");
    }

    /// <summary>Requires <paramref name="a"/> to be square.</summary>
    public static void Square<T>(MatrixView<T> a, string operation, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != a.Cols)
            throw new ShapeMismatchException(operation, name, "a square matrix", $"{a.Rows}×{a.Cols}");
    }

    /// <summary>Requires every element of <paramref name="a"/> to be finite.</summary>
    public static void Finite<T>(MatrixView<T> a, string operation, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < a.Cols; j++)
                if (!T.IsFinite(a[i, j]))
                    throw new NonFiniteValueException(operation, name, i, j, double.CreateTruncating(a[i, j]));
    }
}
