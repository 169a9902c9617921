using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>Floating-point constants the decompositions scale their tolerances by.</summary>
internal static class Precision
{
    /// <summary>u = ε/2: 2⁻²⁴ for float, 2⁻⁵³ for double.</summary>
    public static T UnitRoundoff<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        T.CreateTruncating(typeof(T) == typeof(float) ? 5.9604644775390625E-08 : 1.1102230246251565E-16);
}
