using System.Numerics;
using System.Numerics.Tensors;

namespace RlsEdit.Tensors;

/// <summary>
/// Eigenvalues (and optionally eigenvectors) of a symmetric tridiagonal matrix by implicit QR steps with Wilkinson
/// shifts and deflation (Golub &amp; Van Loan, §8.3). Rotations are applied to the rows of Wᵀ = Vᵀ, so each one
/// touches two contiguous rows.
/// </summary>
internal static class SymmetricTridiagonalQr
{
    /// <summary>A generous cap; the iteration normally needs about two steps per eigenvalue.</summary>
    private const int MaxStepsPerEigenvalue = 60;

    /// <param name="d">Diagonal (n); overwritten with the eigenvalues, unordered.</param>
    /// <param name="e">Sub-diagonal (n − 1); destroyed.</param>
    /// <param name="vt">When given, n rows of a matrix that is multiplied on the left by every rotation's transpose
    /// (pass Qᵀ of the tridiagonal reduction to get eigenvectors of the original matrix as rows).</param>
    /// <param name="operation">Names the caller in the error raised if the iteration fails to converge.</param>
    public static void Diagonalize<T>(T[] d, T[] e, Matrix<T>? vt, string operation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = d.Length;
        // Work at unit scale so the shift's squares cannot overflow and the absolute deflation floor is meaningful.
        T scale = T.Zero;
        foreach (T x in d) scale = T.Max(scale, T.Abs(x));
        foreach (T x in e) scale = T.Max(scale, T.Abs(x));
        if (scale == T.Zero) return;
        TensorPrimitives.Divide(d, scale, d);
        TensorPrimitives.Divide(e, scale, e);

        T eps = Precision.UnitRoundoff<T>();
        T tiny = T.CreateTruncating(typeof(T) == typeof(float) ? 1e-36 : 1e-300);
        int steps = 0, maxSteps = MaxStepsPerEigenvalue * Math.Max(1, n);
        int hi = n - 1;
        while (hi > 0)
        {
            // Deflate every negligible coupling, then work on the lowest-right unreduced block [lo, hi].
            for (int i = 0; i < hi; i++)
                if (T.Abs(e[i]) <= eps * (T.Abs(d[i]) + T.Abs(d[i + 1])) || T.Abs(e[i]) <= tiny) e[i] = T.Zero;
            while (hi > 0 && e[hi - 1] == T.Zero) hi--;
            if (hi == 0) break;
            int lo = hi - 1;
            while (lo > 0 && e[lo - 1] != T.Zero) lo--;

            if (++steps > maxSteps)
                throw new ArithmeticException($"{operation}: the tridiagonal QR iteration did not converge in {maxSteps} steps (n = {n}).");
            ImplicitStep(d, e, lo, hi, vt);
        }
        TensorPrimitives.Multiply(d, scale, d);
    }

    /// <summary>One implicit QR step with the Wilkinson shift on the unreduced block d[lo..hi], chasing the bulge down.</summary>
    private static void ImplicitStep<T>(T[] d, T[] e, int lo, int hi, Matrix<T>? vt) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T two = T.One + T.One;
        // Wilkinson shift: the eigenvalue of the trailing 2×2 block closer to d[hi].
        T half = (d[hi - 1] - d[hi]) / two;
        T coupling = e[hi - 1];
        T root = T.Hypot(half, coupling);
        T shift = d[hi] - coupling * coupling / (half + (half >= T.Zero ? root : -root));

        T x = d[lo] - shift, z = e[lo];
        for (int k = lo; k < hi; k++)
        {
            T r = T.Hypot(x, z);
            T c = r == T.Zero ? T.One : x / r;
            T s = r == T.Zero ? T.Zero : z / r;
            if (k > lo) e[k - 1] = r;

            T dk = d[k], dk1 = d[k + 1], ek = e[k];
            T cs2e = two * c * s * ek;
            d[k] = c * c * dk + cs2e + s * s * dk1;
            d[k + 1] = s * s * dk - cs2e + c * c * dk1;
            e[k] = c * s * (dk1 - dk) + (c * c - s * s) * ek;
            if (k + 1 < hi)
            {
                z = s * e[k + 1];       // the bulge at (k, k + 2)
                e[k + 1] = c * e[k + 1];
                x = e[k];
            }
            if (vt is not null) RotateRows(vt, k, c, s);
        }
    }

    private static void RotateRows<T>(Matrix<T> m, int k, T c, T s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> a = m.Data.AsSpan(k * m.Cols, m.Cols), b = m.Data.AsSpan((k + 1) * m.Cols, m.Cols);
        int j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vc = new Vector<T>(c);
            var vs = new Vector<T>(s);
            for (; j + Vector<T>.Count <= a.Length; j += Vector<T>.Count)
            {
                var aj = new Vector<T>(a[j..]);
                var bj = new Vector<T>(b[j..]);
                (vc * aj + vs * bj).CopyTo(a[j..]);
                (vc * bj - vs * aj).CopyTo(b[j..]);
            }
        }
        for (; j < a.Length; j++)
        {
            T aj = a[j], bj = b[j];
            a[j] = c * aj + s * bj;
            b[j] = c * bj - s * aj;
        }
    }
}
