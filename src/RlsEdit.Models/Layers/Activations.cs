using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace RlsEdit.Models.Layers;

/// <summary>Element-wise activations and their derivatives.</summary>
internal static class Activations<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Half = T.CreateChecked(0.5);
    private static readonly T Sqrt2OverPi = T.CreateChecked(Math.Sqrt(2 / Math.PI));
    private static readonly T Cubic = T.CreateChecked(0.044715);
    private static readonly T Three = T.CreateChecked(3);

    /// <summary>GELU, tanh approximation (GPT-2's gelu_new): ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public static T Gelu(T x) => Half * x * (T.One + T.Tanh(Sqrt2OverPi * (x + Cubic * x * x * x)));

    /// <summary>y = <see cref="Gelu(T)"/>(x) element-wise; vectorised (TensorPrimitives) for float.</summary>
    public static void Gelu(ReadOnlySpan<T> x, Span<T> y)
    {
        if (typeof(T) != typeof(float))
        {
            for (int i = 0; i < x.Length; i++) y[i] = Gelu(x[i]);
            return;
        }
        var xs = MemoryMarshal.Cast<T, float>(x);
        var ys = MemoryMarshal.Cast<T, float>(y);
        TensorPrimitives.Multiply(xs, xs, ys);                                // x²
        TensorPrimitives.Multiply(ys, 0.044715f, ys);
        TensorPrimitives.Add(ys, 1f, ys);                                     // 1 + 0.044715x²
        TensorPrimitives.Multiply(ys, xs, ys);                                // x + 0.044715x³
        TensorPrimitives.Multiply(ys, (float)Math.Sqrt(2 / Math.PI), ys);
        TensorPrimitives.Tanh(ys, ys);
        TensorPrimitives.Add(ys, 1f, ys);
        TensorPrimitives.Multiply(ys, 0.5f, ys);                              // ½(1 + tanh)
        TensorPrimitives.Multiply(ys, xs, ys);
    }

    /// <summary>y = <see cref="Silu"/>(gate) · up element-wise; vectorised (TensorPrimitives) for float.</summary>
    public static void SwiGlu(ReadOnlySpan<T> gate, ReadOnlySpan<T> up, Span<T> y)
    {
        if (typeof(T) != typeof(float))
        {
            for (int i = 0; i < gate.Length; i++) y[i] = Silu(gate[i]) * up[i];
            return;
        }
        var g = MemoryMarshal.Cast<T, float>(gate);
        var ys = MemoryMarshal.Cast<T, float>(y);
        TensorPrimitives.Sigmoid(g, ys);
        TensorPrimitives.Multiply(ys, g, ys);
        TensorPrimitives.Multiply(ys, MemoryMarshal.Cast<T, float>(up), ys);
    }

    /// <summary>d/dx of <see cref="Gelu(T)"/>.</summary>
    public static T GeluDerivative(T x)
    {
        T t = T.Tanh(Sqrt2OverPi * (x + Cubic * x * x * x));
        return Half * (T.One + t) + Half * x * (T.One - t * t) * Sqrt2OverPi * (T.One + Three * Cubic * x * x);
    }

    /// <summary>dx = dy · <see cref="GeluDerivative"/>(x) element-wise; vectorised (TensorPrimitives) for float.</summary>
    public static void GeluBackward(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
    {
        if (typeof(T) != typeof(float))
        {
            for (int i = 0; i < x.Length; i++) dx[i] = dy[i] * GeluDerivative(x[i]);
            return;
        }
        var xs = MemoryMarshal.Cast<T, float>(x);
        var dys = MemoryMarshal.Cast<T, float>(dy);
        var dxs = MemoryMarshal.Cast<T, float>(dx);
        float c = (float)Math.Sqrt(2 / Math.PI);
        var x2 = new float[xs.Length];
        var t = new float[xs.Length];
        TensorPrimitives.Multiply(xs, xs, x2);                                // x²
        TensorPrimitives.Multiply(x2, 0.044715f, t);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Multiply(t, xs, t);
        TensorPrimitives.Multiply(t, c, t);
        TensorPrimitives.Tanh(t, t);                                          // t = tanh(√(2/π)(x + 0.044715x³))
        // ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
        TensorPrimitives.Multiply(x2, 3 * 0.044715f, x2);
        TensorPrimitives.Add(x2, 1f, x2);
        TensorPrimitives.Multiply(x2, 0.5f * c, x2);
        TensorPrimitives.Multiply(x2, xs, x2);                                // ½x·√(2/π)(1 + 3·0.044715x²)
        TensorPrimitives.Multiply(t, t, dxs);
        TensorPrimitives.Subtract(1f, dxs, dxs);                              // 1 − t²
        TensorPrimitives.Multiply(dxs, x2, dxs);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Multiply(t, 0.5f, t);
        TensorPrimitives.Add(dxs, t, dxs);
        TensorPrimitives.Multiply(dxs, dys, dxs);
    }

    /// <summary>σ(x) = 1/(1 + e^(−x)).</summary>
    public static T Sigmoid(T x) => T.One / (T.One + T.Exp(-x));

    /// <summary>SiLU x·σ(x).</summary>
    public static T Silu(T x) => x * Sigmoid(x);

    /// <summary>d/dx of <see cref="Silu"/>: σ(x)(1 + x(1 − σ(x))).</summary>
    public static T SiluDerivative(T x)
    {
        T s = Sigmoid(x);
        return s * (T.One + x * (T.One - s));
    }
}
