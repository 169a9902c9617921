namespace RlsEdit.Tensors;

/// <summary>
/// Thrown by <see cref="Cholesky.FactorWithJitter{T}"/> when every jitter its <see cref="JitterPolicy"/> allows still
/// leaves a non-positive pivot; says which jitters were tried and how the last try failed.
/// </summary>
public sealed class JitterExhaustedException : ArithmeticException
{
    /// <summary>The absolute jitters tried, in order (the first is 0).</summary>
    public IReadOnlyList<double> JittersTried { get; }
    /// <summary>Pivot index of the last failure.</summary>
    public int LastPivotIndex { get; }
    /// <summary>Pivot value of the last failure.</summary>
    public double LastPivotValue { get; }

    /// <summary>Creates the exception.</summary>
    public JitterExhaustedException(string operation, IReadOnlyList<double> jittersTried, int lastPivotIndex, double lastPivotValue)
        : base($"{operation}: the matrix is not positive definite even with jitter: tried δ = [{string.Join(", ", jittersTried.Select(j => j.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)))}] " +
               $"({jittersTried.Count} factorizations); the last failed at pivot {lastPivotIndex} = {lastPivotValue:G6}. The input was not modified.")
    {
        JittersTried = jittersTried; LastPivotIndex = lastPivotIndex; LastPivotValue = lastPivotValue;
    }
}
