using System.Numerics;
using System.Runtime.CompilerServices;

namespace RlsEdit.Tensors;

/// <summary>
/// A strided, non-owning window onto a dense matrix: element (i, j) lives at
/// <c>Array[Offset + i·RowStride + j·ColStride]</c>. Sub-blocks and transposes are new views over
/// the same storage and never copy.
/// </summary>
/// <typeparam name="T">Element type (float or double in practice).</typeparam>
public readonly struct MatrixView<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The backing storage shared with the owner and every other view of it.</summary>
    public readonly T[] Array;
    /// <summary>Index of element (0, 0) in <see cref="Array"/>.</summary>
    public readonly int Offset;
    /// <summary>Number of rows.</summary>
    public readonly int Rows;
    /// <summary>Number of columns.</summary>
    public readonly int Cols;
    /// <summary>Distance in elements between (i, j) and (i + 1, j).</summary>
    public readonly int RowStride;
    /// <summary>Distance in elements between (i, j) and (i, j + 1).</summary>
    public readonly int ColStride;

    /// <summary>Creates a view; validates that every addressed element lies inside <paramref name="array"/>.</summary>
    public MatrixView(T[] array, int offset, int rows, int cols, int rowStride, int colStride)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (rows < 0 || cols < 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"MatrixView: shape must be non-negative, got {rows}×{cols}.");
        if (rows > 0 && cols > 0)
        {
            long last = offset + (long)(rows - 1) * rowStride + (long)(cols - 1) * colStride;
            long first = offset + Math.Min(0L, (long)(rows - 1) * rowStride) + Math.Min(0L, (long)(cols - 1) * colStride);
            if (offset < 0 || first < 0 || last >= array.Length)
                throw new ArgumentOutOfRangeException(nameof(offset),
                    $"MatrixView: a {rows}×{cols} view at offset {offset} with strides ({rowStride}, {colStride}) reaches index {last}, but the array has {array.Length} elements.");
        }
        Array = array; Offset = offset; Rows = rows; Cols = cols; RowStride = rowStride; ColStride = colStride;
    }

    /// <summary>A dense row-major view over <paramref name="array"/> (row stride = <paramref name="cols"/>).</summary>
    public static MatrixView<T> RowMajor(T[] array, int rows, int cols) => new(array, 0, rows, cols, cols, 1);

    /// <summary>Reference to element (i, j); bounds are checked against the view's shape.</summary>
    public ref T this[int i, int j]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)i >= (uint)Rows || (uint)j >= (uint)Cols)
                ThrowIndex(i, j);
            return ref Array[Offset + i * RowStride + j * ColStride];
        }
    }

    /// <summary>The transpose as a view (strides swapped; no copy).</summary>
    public MatrixView<T> Transposed => new(Array, Offset, Cols, Rows, ColStride, RowStride, trusted: true);

    /// <summary>True when the shape is 0×n or n×0.</summary>
    public bool IsEmpty => Rows == 0 || Cols == 0;

    /// <summary>True when each row is a contiguous span (column stride 1).</summary>
    public bool HasContiguousRows => ColStride == 1 || Cols <= 1;

    /// <summary>The sub-block of <paramref name="rows"/>×<paramref name="cols"/> starting at (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public MatrixView<T> Slice(int row, int col, int rows, int cols)
    {
        if (row < 0 || col < 0 || rows < 0 || cols < 0 || row + rows > Rows || col + cols > Cols)
            throw new ArgumentOutOfRangeException(nameof(row),
                $"MatrixView.Slice: block ({row}, {col}) of size {rows}×{cols} does not fit in a {Rows}×{Cols} view.");
        int offset = rows == 0 || cols == 0 ? Offset : Offset + row * RowStride + col * ColStride;
        return new MatrixView<T>(Array, offset, rows, cols, RowStride, ColStride, trusted: true);
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public MatrixView<T> RowRange(int start, int count) => Slice(start, 0, count, Cols);

    /// <summary>Columns [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public MatrixView<T> ColRange(int start, int count) => Slice(0, start, Rows, count);

    /// <summary>Row <paramref name="i"/> as a span; requires <see cref="HasContiguousRows"/>.</summary>
    public Span<T> RowSpan(int i)
    {
        if ((uint)i >= (uint)Rows) ThrowIndex(i, 0);
        if (!HasContiguousRows)
            throw new InvalidOperationException($"MatrixView.RowSpan: rows are not contiguous (column stride {ColStride}).");
        return Cols == 0 ? Span<T>.Empty : Array.AsSpan(Offset + i * RowStride, Cols);
    }

    /// <summary>Copies this view into a new owned row-major matrix.</summary>
    public Matrix<T> ToMatrix()
    {
        var m = new Matrix<T>(Rows, Cols);
        CopyTo(m.View);
        return m;
    }

    /// <summary>Copies every element into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(MatrixView<T> destination)
    {
        Guard.SameShape(this, destination, "MatrixView.CopyTo", "source", "destination");
        for (int i = 0; i < Rows; i++)
        {
            if (HasContiguousRows && destination.HasContiguousRows)
                RowSpan(i).CopyTo(destination.RowSpan(i));
            else
                for (int j = 0; j < Cols; j++) destination[i, j] = this[i, j];
        }
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(T value)
    {
        for (int i = 0; i < Rows; i++)
        {
            if (HasContiguousRows) RowSpan(i).Fill(value);
            else for (int j = 0; j < Cols; j++) this[i, j] = value;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"MatrixView<{typeof(T).Name}> {Rows}×{Cols} (strides {RowStride}, {ColStride})";

    private MatrixView(T[] array, int offset, int rows, int cols, int rowStride, int colStride, bool trusted)
    {
        _ = trusted; // distinguishes the unvalidated constructor used for views derived from a valid view
        Array = array; Offset = offset; Rows = rows; Cols = cols; RowStride = rowStride; ColStride = colStride;
    }

    private void ThrowIndex(int i, int j) =>
        throw new IndexOutOfRangeException($"MatrixView: index ({i}, {j}) is outside a {Rows}×{Cols} view.");
}
