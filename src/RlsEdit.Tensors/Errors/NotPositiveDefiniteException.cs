namespace RlsEdit.Tensors;

/// <summary>Thrown when a Cholesky factorization meets a pivot that is not positive (or not finite).</summary>
public sealed class NotPositiveDefiniteException : ArithmeticException
{
    /// <summary>Zero-based index of the failing pivot.</summary>
    public int PivotIndex { get; }
    /// <summary>The value of the pivot before its square root was taken.</summary>
    public double PivotValue { get; }

    /// <summary>Creates the exception.</summary>
    public NotPositiveDefiniteException(string operation, int pivotIndex, double pivotValue)
        : base($"{operation}: the matrix is not positive definite: pivot {pivotIndex} is {pivotValue:G6} (must be > 0 and finite).")
    {
        PivotIndex = pivotIndex; PivotValue = pivotValue;
    }
}
