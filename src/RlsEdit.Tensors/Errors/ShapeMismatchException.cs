namespace RlsEdit.Tensors;

/// <summary>Thrown when an argument's shape does not fit the operation: names the operation, the argument, what was expected and what was given.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>The operation that rejected the argument, e.g. "Blas.Gemm".</summary>
    public string Operation { get; }
    /// <summary>What the operation expected, e.g. "3×5".</summary>
    public string Expected { get; }
    /// <summary>What it was given.</summary>
    public string Actual { get; }

    /// <summary>Creates the exception.</summary>
    public ShapeMismatchException(string operation, string argument, string expected, string actual)
        : base($"{operation}: '{argument}' has the wrong shape: expected {expected}, got {actual}.", argument)
    {
        Operation = operation; Expected = expected; Actual = actual;
    }
}
