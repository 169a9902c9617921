namespace RlsEdit.Tensors.Kernels;

/// <summary>Maps a generic element type to its start-up-selected generated micro-kernel.</summary>
internal static class KernelSelection
{
    /// <summary>True for the element types with generated kernels (double, float).</summary>
    public static bool HasKernels<T>() => typeof(T) == typeof(double) || typeof(T) == typeof(float);

    /// <summary>The dispatched kernel for <typeparamref name="T"/>; call only when <see cref="HasKernels{T}"/>.</summary>
    public static MicroKernelSet<T> For<T>() where T : unmanaged =>
        typeof(T) == typeof(double) ? (MicroKernelSet<T>)(object)MicroKernelDispatch.Double
        : typeof(T) == typeof(float) ? (MicroKernelSet<T>)(object)MicroKernelDispatch.Single
        : throw new NotSupportedException($"No generated micro-kernel for {typeof(T).Name}.");

    /// <summary>Every generated kernel for <typeparamref name="T"/>, including measurement-only shapes.</summary>
    public static IReadOnlyList<MicroKernelSet<T>> All<T>() where T : unmanaged =>
        typeof(T) == typeof(double) ? (MicroKernelSet<T>[])(object)MicroKernelDispatch.AllDouble
        : typeof(T) == typeof(float) ? (MicroKernelSet<T>[])(object)MicroKernelDispatch.AllSingle
        : [];
}
