using System.Runtime.CompilerServices;

namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// Per-thread pinned scratch for packed panels, grown on demand and reused across calls so that GEMM allocates
/// nothing in steady state. Pinned arrays never move, so the returned pointers stay valid for the thread's life.
/// </summary>
internal static unsafe class PackBuffer<T> where T : unmanaged
{
    private const int Alignment = 64;

    [ThreadStatic] private static T[]? a;
    [ThreadStatic] private static T[]? b;

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="count"/> elements for packed A.</summary>
    public static T* ForA(int count) => Get(ref a, count);

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="count"/> elements for packed B.</summary>
    public static T* ForB(int count) => Get(ref b, count);

    private static T* Get(ref T[]? buffer, int count)
    {
        int padding = Alignment / sizeof(T);
        if (buffer is null || buffer.Length < count + padding)
            buffer = GC.AllocateUninitializedArray<T>(count + padding, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref buffer[0]);
        nint aligned = (address + Alignment - 1) & ~(nint)(Alignment - 1);
        return (T*)aligned;
    }
}
