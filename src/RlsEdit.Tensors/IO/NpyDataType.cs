namespace RlsEdit.Tensors;

/// <summary>The NumPy element types this library reads and writes (always little endian).</summary>
public enum NpyDataType
{
    /// <summary><c>&lt;f4</c>, stored as <see cref="float"/>.</summary>
    Float32,
    /// <summary><c>&lt;f8</c>, stored as <see cref="double"/>.</summary>
    Float64,
    /// <summary><c>&lt;i8</c>, stored as <see cref="long"/>.</summary>
    Int64,
    /// <summary><c>&lt;i4</c>, stored as <see cref="int"/>.</summary>
    Int32,
}

/// <summary>Memory order of the data block in a <c>.npy</c> file.</summary>
public enum NpyOrder
{
    /// <summary>Row-major: the last index varies fastest (<c>fortran_order: False</c>).</summary>
    C,
    /// <summary>Column-major: the first index varies fastest (<c>fortran_order: True</c>).</summary>
    Fortran,
}

/// <summary>How a one-dimensional array becomes a matrix.</summary>
public enum VectorOrientation
{
    /// <summary>A length-n vector becomes a 1×n matrix.</summary>
    Row,
    /// <summary>A length-n vector becomes an n×1 matrix.</summary>
    Column,
}

internal static class NpyDataTypes
{
    public static int ItemSize(this NpyDataType type) => type switch
    {
        NpyDataType.Float32 or NpyDataType.Int32 => 4,
        _ => 8,
    };

    public static string Descriptor(this NpyDataType type) => type switch
    {
        NpyDataType.Float32 => "<f4",
        NpyDataType.Float64 => "<f8",
        NpyDataType.Int64 => "<i8",
        _ => "<i4",
    };

    public static Type ElementType(this NpyDataType type) => type switch
    {
        NpyDataType.Float32 => typeof(float),
        NpyDataType.Float64 => typeof(double),
        NpyDataType.Int64 => typeof(long),
        _ => typeof(int),
    };

    /// <summary>Parses a NumPy dtype string; null when it is not one we support (the caller explains why).</summary>
    public static NpyDataType? TryParse(string descriptor)
    {
        if (descriptor.Length != 3 || (descriptor[0] != '<' && descriptor[0] != '|')) return null;
        return descriptor.AsSpan(1) switch
        {
            "f4" => NpyDataType.Float32,
            "f8" => NpyDataType.Float64,
            "i8" => NpyDataType.Int64,
            "i4" => NpyDataType.Int32,
            _ => null,
        };
    }
}
