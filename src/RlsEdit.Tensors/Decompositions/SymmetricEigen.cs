using System.Numerics;
using System.Numerics.Tensors;

namespace RlsEdit.Tensors;

/// <summary>
/// Symmetric eigendecomposition A = V·diag(λ)·Vᵀ: Householder reduction to tridiagonal form, then implicit QR
/// with Wilkinson shifts. Reads only the lower triangle of A; the input is never modified.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Eigenvalues in ascending order and, when <paramref name="computeVectors"/> is true, the orthonormal eigenvectors
    /// (columns of <see cref="SymmetricEigenDecomposition{T}.Vectors"/>) of the symmetric matrix whose lower triangle
    /// is <paramref name="aLower"/>.
    /// </summary>
    /// <exception cref="ShapeMismatchException"><paramref name="aLower"/> is not square.</exception>
    /// <exception cref="NonFiniteValueException">The lower triangle holds NaN or ±Infinity.</exception>
    public static SymmetricEigenDecomposition<T> Decompose<T>(MatrixView<T> aLower, bool computeVectors = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string operation = "SymmetricEigen.Decompose";
        Guard.Square(aLower, operation, "aLower");
        int n = aLower.Rows;
        Matrix<T> s = SymmetricCopy(aLower, operation);

        // Scaling to max |a_ij| = 1 keeps squares of entries away from overflow and underflow.
        T scale = Norms.MaxAbs(s.View);
        if (scale == T.Zero)
            return new SymmetricEigenDecomposition<T>(new T[n], computeVectors ? Matrix<T>.Identity(n) : null);
        TensorPrimitives.Divide(s.Data, scale, s.Data);

        var d = new T[n];
        var e = new T[Math.Max(0, n - 1)];
        Matrix<T>? vt = Tridiagonalize(s, d, e, computeVectors);
        SymmetricTridiagonalQr.Diagonalize(d, e, vt, operation);
        TensorPrimitives.Multiply(d, scale, d);
        return Sorted(d, vt);
    }

    /// <summary>The eigenvalues of the symmetric matrix whose lower triangle is <paramref name="aLower"/>, ascending.</summary>
    public static T[] Values<T>(MatrixView<T> aLower) where T : unmanaged, IFloatingPointIeee754<T> =>
        Decompose(aLower, computeVectors: false).Values;

    private static Matrix<T> SymmetricCopy<T>(MatrixView<T> aLower, string operation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = aLower.Rows;
        var s = new Matrix<T>(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                T x = aLower[i, j];
                if (!T.IsFinite(x)) throw new NonFiniteValueException(operation, "aLower", i, j, double.CreateTruncating(x));
                s[i, j] = x;
                s[j, i] = x;
            }
        return s;
    }

    /// <summary>
    /// Reduces the full symmetric <paramref name="s"/> (destroyed) to T = Qᵀ·S·Q with diagonal <paramref name="d"/> and
    /// sub-diagonal <paramref name="e"/>; returns Qᵀ = Hₙ₋₃⋯H₀ when vectors are wanted.
    /// </summary>
    private static Matrix<T>? Tridiagonalize<T>(Matrix<T> s, T[] d, T[] e, bool computeVectors) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = s.Rows;
        Matrix<T>? qt = computeVectors ? Matrix<T>.Identity(n) : null;
        var w = new T[n];
        var combination = new T[n];
        for (int k = 0; k + 2 < n; k++)
        {
            int m = n - k - 1;
            // x = S[k+1.., k], read from row k (S is kept fully symmetric); v overwrites it.
            Span<T> v = s.Data.AsSpan(k * n + k + 1, m);
            d[k] = s[k, k];
            (T beta, T alpha) = Householder.MakeReflector(v);
            e[k] = alpha;
            if (beta == T.Zero) continue;

            // Two-sided update of the trailing block B = S[k+1.., k+1..]:  p = β·B·v,  w = p − (β/2)(pᵀv)·v,  B −= v·wᵀ + w·vᵀ.
            Span<T> p = w.AsSpan(0, m);
            for (int i = 0; i < m; i++) p[i] = beta * TensorPrimitives.Dot<T>(s.Data.AsSpan((k + 1 + i) * n + k + 1, m), v);
            T half = beta / (T.One + T.One) * TensorPrimitives.Dot<T>(p, v);
            TensorPrimitives.MultiplyAdd(v, -half, p, p);
            for (int i = 0; i < m; i++)
            {
                Span<T> row = s.Data.AsSpan((k + 1 + i) * n + k + 1, m);
                TensorPrimitives.MultiplyAdd(p, -v[i], row, row);
                TensorPrimitives.MultiplyAdd(v, -p[i], row, row);
            }

            if (qt is not null)
            {
                // Qᵀ ← H_k·Qᵀ on rows k+1..: rows −= β·v·(vᵀ·rows).
                Span<T> sum = combination.AsSpan();
                sum.Clear();
                for (int i = 0; i < m; i++) TensorPrimitives.MultiplyAdd(qt.Data.AsSpan((k + 1 + i) * n, n), v[i], sum, sum);
                for (int i = 0; i < m; i++)
                {
                    Span<T> row = qt.Data.AsSpan((k + 1 + i) * n, n);
                    TensorPrimitives.MultiplyAdd(sum, -beta * v[i], row, row);
                }
            }
        }
        if (n >= 2)
        {
            d[n - 2] = s[n - 2, n - 2];
            e[n - 2] = s[n - 1, n - 2];
        }
        if (n >= 1) d[n - 1] = s[n - 1, n - 1];
        return qt;
    }

    private static SymmetricEigenDecomposition<T> Sorted<T>(T[] values, Matrix<T>? vt) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = values.Length;
        int[] order = Enumerable.Range(0, n).ToArray();
        Array.Sort(values.ToArray(), order);
        var sortedValues = new T[n];
        Matrix<T>? vectors = vt is null ? null : new Matrix<T>(n, n);
        for (int j = 0; j < n; j++)
        {
            sortedValues[j] = values[order[j]];
            if (vectors is not null)
                for (int i = 0; i < n; i++) vectors[i, j] = vt![order[j], i];
        }
        return new SymmetricEigenDecomposition<T>(sortedValues, vectors);
    }
}
