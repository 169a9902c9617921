namespace RlsEdit.Tensors.Kernels;

// Each declaration below becomes a generated kernel family (full tile, edge tile, lower-triangle tile) plus an
// entry in MicroKernelDispatch. Shapes: C is row-major, so the vectors run along NR and MR elements of A are
// broadcast per k step. Dispatch = false marks shapes kept only for the MR×NR measurement in docs/performance.md.

/// <summary>AVX-512 double: 14×16 = 28 zmm accumulators + 2 B vectors + 1 broadcast = 31 of 32 registers.</summary>
[MicroKernel(typeof(double), 512, 14, 16)]
internal static partial class DoubleKernel512x14x16;

/// <summary>
/// AVX-512 double, 10×16 (20 accumulators): not dispatched, but chosen by <see cref="GemmOptions{T}.ForRows"/> for
/// a C of few rows that 10 divides better than 14 (u = 100 in the Woodbury step: 100 rows, where 14-row slivers
/// compute 112).
/// </summary>
[MicroKernel(typeof(double), 512, 10, 16, Dispatch = false)]
internal static partial class DoubleKernel512x10x16;

/// <summary>AVX-512 double, 8×24 (24 accumulators, 3 B vectors per k step).</summary>
[MicroKernel(typeof(double), 512, 8, 24, Dispatch = false)]
internal static partial class DoubleKernel512x8x24;

/// <summary>AVX-512 double, 24×8 (24 accumulators, one B vector per k step).</summary>
[MicroKernel(typeof(double), 512, 24, 8, Dispatch = false)]
internal static partial class DoubleKernel512x24x8;

/// <summary>AVX-512 double, 6×16 (12 accumulators: too few to hide the FMA latency at two FMAs per cycle).</summary>
[MicroKernel(typeof(double), 512, 6, 16, Dispatch = false)]
internal static partial class DoubleKernel512x6x16;

/// <summary>AVX2 + FMA double: 6×8 = 12 ymm accumulators + 2 + 1 = 15 of 16 registers.</summary>
[MicroKernel(typeof(double), 256, 6, 8)]
internal static partial class DoubleKernel256x6x8;

/// <summary>Portable 128-bit double (SSE2, NEON, or software): 4×4.</summary>
[MicroKernel(typeof(double), 128, 4, 4)]
internal static partial class DoubleKernel128x4x4;

/// <summary>AVX-512 float: 14×32 = 28 zmm accumulators + 2 + 1 = 31 of 32 registers.</summary>
[MicroKernel(typeof(float), 512, 14, 32)]
internal static partial class SingleKernel512x14x32;

/// <summary>AVX-512 float, 8×48 (24 accumulators, 3 B vectors per k step).</summary>
[MicroKernel(typeof(float), 512, 8, 48, Dispatch = false)]
internal static partial class SingleKernel512x8x48;

/// <summary>AVX2 + FMA float: 6×16 = 12 ymm accumulators + 2 + 1 = 15 of 16 registers.</summary>
[MicroKernel(typeof(float), 256, 6, 16)]
internal static partial class SingleKernel256x6x16;

/// <summary>Portable 128-bit float: 4×8.</summary>
[MicroKernel(typeof(float), 128, 4, 8)]
internal static partial class SingleKernel128x4x8;
