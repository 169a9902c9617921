using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>A dense row-major matrix that owns its storage. Use <see cref="View"/> for strided windows.</summary>
/// <typeparam name="T">Element type (float or double in practice).</typeparam>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Row-major storage, <see cref="Rows"/>·<see cref="Cols"/> elements.</summary>
    public T[] Data { get; }
    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>A zero-filled <paramref name="rows"/>×<paramref name="cols"/> matrix.</summary>
    public Matrix(int rows, int cols)
    {
        Data = new T[CheckedSize(rows, cols)];
        Rows = rows; Cols = cols;
    }

    /// <summary>Wraps <paramref name="data"/> (row-major, not copied) as a <paramref name="rows"/>×<paramref name="cols"/> matrix.</summary>
    public Matrix(int rows, int cols, T[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long size = CheckedSize(rows, cols);
        if (data.Length != size)
            throw new ShapeMismatchException("Matrix", "data", $"{size} elements ({rows}×{cols})", $"{data.Length} elements");
        Data = data; Rows = rows; Cols = cols;
    }

    /// <summary>The whole matrix as a view.</summary>
    public MatrixView<T> View => new(Data, 0, Rows, Cols, Cols, 1);

    /// <summary>Reference to element (i, j).</summary>
    public ref T this[int i, int j] => ref View[i, j];

    /// <summary>Implicit view of the whole matrix.</summary>
    public static implicit operator MatrixView<T>(Matrix<T> m) => m.View;

    /// <summary>A zero-filled matrix.</summary>
    public static Matrix<T> Zeros(int rows, int cols) => new(rows, cols);

    /// <summary>The n×n identity.</summary>
    public static Matrix<T> Identity(int n)
    {
        var m = new Matrix<T>(n, n);
        for (int i = 0; i < n; i++) m.Data[i * n + i] = T.One;
        return m;
    }

    /// <summary>A matrix built from a rectangular array (copied).</summary>
    public static Matrix<T> FromArray(T[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var m = new Matrix<T>(values.GetLength(0), values.GetLength(1));
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++) m.Data[i * m.Cols + j] = values[i, j];
        return m;
    }

    /// <summary>A deep copy.</summary>
    public Matrix<T> Clone() => new(Rows, Cols, (T[])Data.Clone());

    /// <inheritdoc />
    public override string ToString() => $"Matrix<{typeof(T).Name}> {Rows}×{Cols}";

    private static int CheckedSize(int rows, int cols)
    {
        if (rows < 0 || cols < 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"Matrix: shape must be non-negative, got {rows}×{cols}.");
        long size = (long)rows * cols;
        if (size > System.Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), $"Matrix: {rows}×{cols} = {size} elements exceeds the largest array ({System.Array.MaxLength}).");
        return (int)size;
    }
}
