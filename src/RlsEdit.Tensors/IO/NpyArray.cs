using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>
/// An n-dimensional NumPy array in memory: element type, shape and the elements in C (row-major) order,
/// whatever order the file used. <see cref="Data"/> is a <c>float[]</c>, <c>double[]</c>, <c>long[]</c> or
/// <c>int[]</c> matching <see cref="DataType"/>.
/// </summary>
public sealed class NpyArray
{
    private readonly long[] shape;
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<long> readOnlyShape;

    /// <summary>The element type.</summary>
    public NpyDataType DataType { get; }
    /// <summary>The extent of each axis; empty for a 0-d (scalar) array.</summary>
    public IReadOnlyList<long> Shape => readOnlyShape;
    /// <summary>Number of axes.</summary>
    public int Rank => shape.Length;
    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a 0-d array).</summary>
    public int Count => Data.Length;
    /// <summary>The elements in C order, typed as <see cref="DataType"/> says.</summary>
    public Array Data { get; }
    /// <summary>Where the array was read from (file, archive entry or stream), or "array" when built in memory; used in error messages.</summary>
    public string SourceName { get; }

    private NpyArray(NpyDataType dataType, long[] shape, Array data, string sourceName)
    {
        DataType = dataType; this.shape = shape; readOnlyShape = Array.AsReadOnly(shape); Data = data; SourceName = sourceName;
    }

    /// <summary>Wraps <paramref name="data"/> (C order, not copied) as a float64 array of the given shape.</summary>
    public static NpyArray FromDoubles(double[] data, params long[] shape) => Create(NpyDataType.Float64, data, shape);

    /// <summary>Wraps <paramref name="data"/> (C order, not copied) as a float32 array of the given shape.</summary>
    public static NpyArray FromSingles(float[] data, params long[] shape) => Create(NpyDataType.Float32, data, shape);

    /// <summary>Wraps <paramref name="data"/> (C order, not copied) as an int64 array of the given shape.</summary>
    public static NpyArray FromInt64(long[] data, params long[] shape) => Create(NpyDataType.Int64, data, shape);

    /// <summary>Wraps <paramref name="data"/> (C order, not copied) as an int32 array of the given shape.</summary>
    public static NpyArray FromInt32(int[] data, params long[] shape) => Create(NpyDataType.Int32, data, shape);

    /// <summary>A copy of <paramref name="matrix"/> as a 2-D float32 (for float) or float64 (for double) array.</summary>
    public static NpyArray FromMatrix<T>(MatrixView<T> matrix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var copy = matrix.ToMatrix();
        long[] shape = [matrix.Rows, matrix.Cols];
        return copy.Data switch
        {
            double[] d => FromDoubles(d, shape),
            float[] f => FromSingles(f, shape),
            _ => throw new NotSupportedException($"NpyArray.FromMatrix: element type {typeof(T).Name} has no NumPy dtype here; use float or double."),
        };
    }

    /// <summary>
    /// The array as a matrix of <typeparamref name="T"/>, converting the element type if needed (int64 values beyond
    /// 2⁵³ round). 2-D arrays keep their shape; 1-D arrays become a row or column by <paramref name="vector"/>;
    /// a 0-d array becomes 1×1.
    /// </summary>
    /// <exception cref="NpyFormatException">The array has more than two axes or an axis longer than <see cref="int.MaxValue"/>.</exception>
    public Matrix<T> ToMatrix<T>(VectorOrientation vector = VectorOrientation.Row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int rows, int cols) = Rank switch
        {
            0 => (1, 1),
            1 => vector == VectorOrientation.Row ? (1, (int)shape[0]) : ((int)shape[0], 1),
            2 => ((int)shape[0], (int)shape[1]),
            _ => throw new NpyFormatException(SourceName, "cannot view the array as a matrix", "0, 1 or 2 axes", $"shape {ShapeText(shape)}"),
        };
        var m = new Matrix<T>(rows, cols);
        ConvertInto(m.Data);
        return m;
    }

    /// <summary>The elements (C order) converted to double.</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[Count];
        ConvertInto(result);
        return result;
    }

    /// <summary>The elements (C order) converted to float.</summary>
    public float[] ToSingleArray()
    {
        var result = new float[Count];
        ConvertInto(result);
        return result;
    }

    /// <summary>The elements (C order) of an integer array as long.</summary>
    /// <exception cref="NpyFormatException">The array holds floating-point values.</exception>
    public long[] ToInt64Array() => Data switch
    {
        long[] l => (long[])l.Clone(),
        int[] i => Array.ConvertAll(i, x => (long)x),
        _ => throw new NpyFormatException(SourceName, "cannot read integers", "an int64 or int32 array", $"dtype '{DataType.Descriptor()}'"),
    };

    /// <inheritdoc />
    public override string ToString() => $"NpyArray {DataType.Descriptor()} {ShapeText(shape)} from {SourceName}";

    internal static NpyArray Create(NpyDataType dataType, Array data, long[] shape, string sourceName = "array")
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (data.GetType().GetElementType() != dataType.ElementType())
            throw new ArgumentException($"NpyArray: dtype {dataType} needs {dataType.ElementType().Name}[] data, got {data.GetType().Name}.", nameof(data));
        long count = ElementCount(shape) ?? throw new ArgumentOutOfRangeException(nameof(shape),
            $"NpyArray: shape {ShapeText(shape)} must have non-negative axes whose product is at most {Array.MaxLength}.");
        if (count != data.Length)
            throw new ShapeMismatchException("NpyArray", nameof(data), $"{count} elements (shape {ShapeText(shape)})", $"{data.Length} elements");
        return new NpyArray(dataType, (long[])shape.Clone(), data, sourceName);
    }

    /// <summary>The product of the axes, or null when an axis is negative or the product exceeds the largest array.</summary>
    internal static long? ElementCount(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (long axis in shape)
        {
            if (axis < 0) return null;
            if (axis == 0) count = 0;
            else if (count != 0 && axis > Array.MaxLength / count) return null;
            else count *= axis;
        }
        foreach (long axis in shape) if (axis > Array.MaxLength) return null;
        return count;
    }

    internal static string ShapeText(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    private void ConvertInto<T>(T[] destination) where T : INumberBase<T>
    {
        switch (Data)
        {
            case double[] d: for (int i = 0; i < d.Length; i++) destination[i] = T.CreateSaturating(d[i]); break;
            case float[] f: for (int i = 0; i < f.Length; i++) destination[i] = T.CreateSaturating(f[i]); break;
            case long[] l: for (int i = 0; i < l.Length; i++) destination[i] = T.CreateSaturating(l[i]); break;
            case int[] n: for (int i = 0; i < n.Length; i++) destination[i] = T.CreateSaturating(n[i]); break;
        }
    }
}
