namespace RlsEdit.Tensors;

/// <summary>Process-wide settings of the linear-algebra core.</summary>
public static class LinearAlgebra
{
    private static int maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// The most threads one level-3 call (GEMM, SYRK, SYMM) may use; defaults to <see cref="Environment.ProcessorCount"/>.
    /// Set 1 to run everything on the calling thread. Small problems always run serially.
    /// </summary>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref maxDegreeOfParallelism, value);
        }
    }
}
