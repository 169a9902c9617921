using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit;

/// <summary>
/// The anchor mapping (K₀, V₀) of the term β‖K₀W − V₀‖²: either explicit anchor keys (and optionally values), or —
/// as in the reference code — only the Gram matrix K₀ᵀK₀ given as a key second moment, with V₀ = K₀W₀ implied.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class Anchor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>K₀ (n₀×d_k), or null when the anchor was given as a second moment.</summary>
    public Matrix<T>? Keys { get; }

    /// <summary>V₀ (n₀×d_v), or null when V₀ = K₀W₀ (the anchor asks the edit to keep the pre-trained outputs).</summary>
    public Matrix<T>? Values { get; }

    /// <summary>K₀ᵀK₀ (d_k×d_k); only the lower triangle is meaningful.</summary>
    public Matrix<T> Gram { get; }

    /// <summary>d_k.</summary>
    public int KeyDim => Gram.Rows;

    private Anchor(Matrix<T>? keys, Matrix<T>? values, Matrix<T> gram)
    {
        Keys = keys;
        Values = values;
        Gram = gram;
    }

    /// <summary>An explicit anchor: keys <paramref name="keys"/> (n₀×d_k) and optional target values <paramref name="values"/> (n₀×d_v).</summary>
    /// <exception cref="ShapeMismatchException">The values do not have one row per key.</exception>
    /// <exception cref="NonFiniteValueException">An entry is NaN or infinite.</exception>
    public static Anchor<T> FromKeys(MatrixView<T> keys, MatrixView<T>? values = null)
    {
        Guard.Finite(keys, "Anchor.FromKeys", "K0");
        if (values is { } v)
        {
            if (v.Rows != keys.Rows)
                throw new ShapeMismatchException("Anchor.FromKeys", "V0", $"{keys.Rows} rows (one per row of K0, which is {keys.Rows}×{keys.Cols})", $"{v.Rows}×{v.Cols}");
            Guard.Finite(v, "Anchor.FromKeys", "V0");
        }
        var gram = new Matrix<T>(keys.Cols, keys.Cols);
        Blas.Syrk(T.One, keys.Transposed, T.Zero, gram.View);
        return new Anchor<T>(keys.ToMatrix(), values?.ToMatrix(), gram);
    }

    /// <summary>
    /// An implicit anchor given by a symmetric PSD second moment (e.g. E[kkᵀ] over a generic corpus) standing in for
    /// K₀ᵀK₀, with V₀ = K₀W₀. Only the lower triangle of <paramref name="secondMoment"/> is read.
    /// </summary>
    public static Anchor<T> FromSecondMoment(MatrixView<T> secondMoment)
    {
        Guard.Square(secondMoment, "Anchor.FromSecondMoment", "secondMoment");
        Guard.Finite(secondMoment, "Anchor.FromSecondMoment", "secondMoment");
        var gram = new Matrix<T>(secondMoment.Rows, secondMoment.Cols);
        for (int i = 0; i < gram.Rows; i++)
            for (int j = 0; j <= i; j++) gram[i, j] = secondMoment[i, j];
        return new Anchor<T>(null, null, gram);
    }

    /// <summary>K₀ᵀV₀ (d_k×d_v) for the given start weight; equals K₀ᵀK₀W₀ when <see cref="Values"/> is null.</summary>
    internal Matrix<T> CrossMoment(MatrixView<T> w0)
    {
        var cross = new Matrix<T>(KeyDim, w0.Cols);
        if (Values is null) Blas.Symm(Side.Left, T.One, Gram.View, w0, T.Zero, cross.View);
        else Blas.Gemm(T.One, Keys!.View.Transposed, Values.View, T.Zero, cross.View);
        return cross;
    }
}
