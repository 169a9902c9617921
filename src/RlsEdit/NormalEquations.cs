using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit;

/// <summary>
/// The accumulated normal equations of the RLSEdit objective: H_t = αI + βK₀ᵀK₀ + Σ K_iᵀK_i (lower triangle) and
/// B_t = αW₀ + βK₀ᵀV₀ + Σ K_iᵀV_i, whose solution W_t* = H_t⁻¹B_t is the batch minimiser.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class NormalEquations<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>H_t (d_k×d_k); only the lower triangle is maintained.</summary>
    public Matrix<T> Information { get; }

    /// <summary>B_t (d_k×d_v).</summary>
    public Matrix<T> RightHandSide { get; }

    /// <summary>H₀ = αI + βK₀ᵀK₀, B₀ = αW₀ + βK₀ᵀV₀ for the start weight <paramref name="w0"/> (d_k×d_v).</summary>
    public NormalEquations(MatrixView<T> w0, RlsHyperParameters hyper, Anchor<T>? anchor)
    {
        hyper.Validate("NormalEquations");
        int dk = w0.Rows;
        if (anchor is not null && anchor.KeyDim != dk)
            throw new ShapeMismatchException("NormalEquations", "K0", $"{dk} columns (d_k = rows of W0, which is {w0.Rows}×{w0.Cols})", $"{anchor.KeyDim} columns");
        T alpha = T.CreateChecked(hyper.Alpha), beta = T.CreateChecked(hyper.Beta);
        Information = new Matrix<T>(dk, dk);
        RightHandSide = new Matrix<T>(dk, w0.Cols);
        for (int i = 0; i < dk; i++)
            for (int j = 0; j < w0.Cols; j++) RightHandSide[i, j] = alpha * w0[i, j];
        if (anchor is not null && beta != T.Zero)
        {
            for (int i = 0; i < dk; i++)
                for (int j = 0; j <= i; j++) Information[i, j] = beta * anchor.Gram[i, j];
            var cross = anchor.CrossMoment(w0);
            for (int i = 0; i < dk; i++)
                for (int j = 0; j < w0.Cols; j++) RightHandSide[i, j] += beta * cross[i, j];
        }
        for (int i = 0; i < dk; i++) Information[i, i] += alpha;
    }

    /// <summary>Takes ownership of a saved H (lower triangle read) and B.</summary>
    internal NormalEquations(Matrix<T> information, Matrix<T> rightHandSide)
    {
        Information = information;
        RightHandSide = rightHandSide;
    }

    /// <summary>d_k.</summary>
    public int KeyDim => Information.Rows;

    /// <summary>d_v.</summary>
    public int ValueDim => RightHandSide.Cols;

    /// <summary>H += KᵀK, B += KᵀV for one edit batch (<paramref name="keys"/> u×d_k, <paramref name="values"/> u×d_v).</summary>
    public void Add(MatrixView<T> keys, MatrixView<T> values)
    {
        Guard.Shape(keys, keys.Rows, KeyDim, "NormalEquations.Add", "K");
        Guard.Shape(values, keys.Rows, ValueDim, "NormalEquations.Add", "V");
        if (keys.Rows == 0) return;
        Blas.Syrk(T.One, keys.Transposed, T.One, Information.View);
        Blas.Gemm(T.One, keys.Transposed, values, T.One, RightHandSide.View);
    }

    /// <summary>Writes the Cholesky factor L of H_t into the lower triangle of <paramref name="factor"/> (d_k×d_k).</summary>
    /// <exception cref="NotPositiveDefiniteException">H_t is not positive definite (α = 0 and the keys do not span R^{d_k}).</exception>
    public void Factor(MatrixView<T> factor)
    {
        Guard.Shape(factor, KeyDim, KeyDim, "NormalEquations.Factor", "factor");
        for (int i = 0; i < KeyDim; i++)
            for (int j = 0; j <= i; j++) factor[i, j] = Information[i, j];
        Cholesky.FactorInPlace(factor);
    }

    /// <summary>The batch minimiser W_t* = H_t⁻¹B_t by Cholesky (O(d_k³)).</summary>
    public Matrix<T> Solve()
    {
        var l = new Matrix<T>(KeyDim, KeyDim);
        Factor(l.View);
        var w = RightHandSide.Clone();
        Cholesky.SolveInPlace(l.View, w.View);
        return w;
    }

    /// <summary>H_t⁻¹ as a full symmetric matrix (both triangles filled), by Cholesky (O(d_k³)).</summary>
    public Matrix<T> Inverse()
    {
        var c = new Matrix<T>(KeyDim, KeyDim);
        Factor(c.View);
        Cholesky.InvertInPlace(c.View);
        SymmetricStorage.MirrorLowerToUpper(c.View);
        return c;
    }
}
