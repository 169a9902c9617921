namespace RlsEdit.Tensors;

/// <summary>Thrown when an input holds NaN or ±Infinity where finite values are required.</summary>
public sealed class NonFiniteValueException : ArgumentException
{
    /// <summary>Row of the first non-finite element.</summary>
    public int Row { get; }
    /// <summary>Column of the first non-finite element.</summary>
    public int Col { get; }

    /// <summary>Creates the exception.</summary>
    public NonFiniteValueException(string operation, string argument, int row, int col, double value)
        : base($"{operation}: '{argument}' holds a non-finite value {value} at ({row}, {col}).", argument)
    {
        Row = row; Col = col;
    }
}
