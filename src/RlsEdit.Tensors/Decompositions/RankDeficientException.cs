namespace RlsEdit.Tensors;

/// <summary>
/// Thrown when a least-squares solve meets a matrix whose columns are linearly dependent to working precision:
/// names the first column whose diagonal entry of R fell below the threshold.
/// </summary>
public sealed class RankDeficientException : ArithmeticException
{
    /// <summary>Zero-based index of the first dependent column.</summary>
    public int Column { get; }
    /// <summary>|R[Column, Column]|.</summary>
    public double DiagonalValue { get; }
    /// <summary>The threshold it had to exceed: relative tolerance × max |R_ii|.</summary>
    public double Threshold { get; }

    /// <summary>Creates the exception.</summary>
    public RankDeficientException(string operation, int column, double diagonalValue, double threshold)
        : base($"{operation}: the matrix does not have full column rank: |R[{column}, {column}]| = {diagonalValue:G6} is not above the threshold {threshold:G6}.")
    {
        Column = column; DiagonalValue = diagonalValue; Threshold = threshold;
    }
}
