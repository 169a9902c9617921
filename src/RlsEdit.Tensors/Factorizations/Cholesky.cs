using System.Numerics;
using System.Runtime.InteropServices;

namespace RlsEdit.Tensors;

/// <summary>
/// Cholesky factorization A = L·Lᵀ of a symmetric positive-definite matrix stored in its lower triangle,
/// and the solves, inverse and log-determinant that use the factor. The blocked routines spend almost all of
/// their time in <see cref="Blas.Trsm{T}"/>, <see cref="Blas.Syrk{T}"/> and <see cref="Blas.Gemm{T}"/>.
/// </summary>
public static class Cholesky
{
    /// <summary>Columns per step of the blocked factorization (measured: see docs/performance.md, session 3).</summary>
    internal const int DefaultBlockSize = 512;

    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> with L (potrf). Only the lower triangle is read;
    /// the strict upper triangle is left as it was. In place: on failure the lower triangle is partly overwritten
    /// (use <see cref="FactorWithJitter{T}"/> for a factorization that leaves its input alone).
    /// </summary>
    /// <exception cref="ShapeMismatchException"><paramref name="a"/> is not square.</exception>
    /// <exception cref="NonFiniteValueException">The lower triangle holds NaN or ±Infinity (checked before any write).</exception>
    /// <exception cref="NotPositiveDefiniteException">A pivot is ≤ 0 or not finite; reports its index and value.</exception>
    public static void FactorInPlace<T>(MatrixView<T> a) where T : unmanaged, IFloatingPointIeee754<T> =>
        FactorBlocked(a, DefaultBlockSize);

    /// <summary>The blocked right-looking factorization with an explicit block size (for tuning).</summary>
    internal static void FactorBlocked<T>(MatrixView<T> a, int blockSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "Cholesky.FactorInPlace";
        Guard.Square(a, op, "a");
        RequireFiniteLower(a, op, "a");
        int n = a.Rows;
        var trailingUpdate = TrailingUpdateOptions<T>(blockSize);
        for (int k = 0; k < n; k += blockSize)
        {
            int bs = Math.Min(blockSize, n - k), rest = n - k - bs;
            MatrixView<T> a11 = a.Slice(k, k, bs, bs), a21 = a.Slice(k + bs, k, rest, bs), a22 = a.Slice(k + bs, k + bs, rest, rest);
            CholeskyKernels.FactorDiagonalBlock(a11, k, op);                          // A11 = L11·L11ᵀ
            if (rest == 0) break;
            Blas.Trsm(Side.Right, Triangle.Upper, Diagonal.NonUnit, T.One, a11.Transposed, a21); // L21 = A21·L11⁻ᵀ
            Kernels.Level3.Syrk(-T.One, a21, T.One, a22, trailingUpdate);              // A22 −= L21·L21ᵀ
        }
    }

    /// <summary>
    /// The trailing update's level-3 options: the GEMM's k block grows to the block size (≥ its default), so every
    /// step reads and writes A22 — the bulk of potrf's memory traffic, out of cache for n ≳ 2000 — once instead of
    /// blockSize / KC times. Its MR×kc and kc×NR slivers then live in L2 rather than L1, which costs nothing
    /// measurable (docs/performance.md, session 3). Null (the defaults) for element types without generated kernels.
    /// </summary>
    internal static Kernels.GemmOptions<T>? TrailingUpdateOptions<T>(int blockSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Kernels.KernelSelection.HasKernels<T>()) return null;
        var defaults = Kernels.GemmOptions<T>.Default;
        return blockSize <= defaults.Kc ? defaults : defaults with { Kc = blockSize };
    }

    /// <summary>Solves A·X = B in place of <paramref name="b"/>, given L from <see cref="FactorInPlace{T}"/> (potrs).</summary>
    /// <exception cref="ShapeMismatchException"><paramref name="l"/> is not square or <paramref name="b"/> has the wrong number of rows.</exception>
    public static void SolveInPlace<T>(MatrixView<T> l, MatrixView<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string op = "Cholesky.SolveInPlace";
        Guard.Square(l, op, "l");
        if (b.Rows != l.Rows) throw new ShapeMismatchException(op, "b", $"{l.Rows} rows", $"{b.Rows}×{b.Cols}");
        Blas.Trsm(Side.Left, Triangle.Lower, Diagonal.NonUnit, T.One, l, b);            // L·Y = B
        Blas.Trsm(Side.Left, Triangle.Upper, Diagonal.NonUnit, T.One, l.Transposed, b); // Lᵀ·X = Y
    }

    /// <summary>
    /// Overwrites the lower triangle of <paramref name="l"/> (holding L) with the lower triangle of A⁻¹ (potri):
    /// first L⁻¹ in place (trtri), then the lower triangle of L⁻ᵀ·L⁻¹ in place (lauum). The strict upper triangle
    /// is not touched.
    /// </summary>
    /// <exception cref="ShapeMismatchException"><paramref name="l"/> is not square.</exception>
    public static void InvertInPlace<T>(MatrixView<T> l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(l, "Cholesky.InvertInPlace", "l");
        CholeskyKernels.InvertLowerInPlace(l);   // X = L⁻¹
        CholeskyKernels.LowerGramInPlace(l);     // lower(Xᵀ·X) = lower(A⁻¹)
    }

    /// <summary>log det A = 2·Σ log L_ii, given L.</summary>
    /// <exception cref="ShapeMismatchException"><paramref name="l"/> is not square.</exception>
    public static T LogDeterminant<T>(MatrixView<T> l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Square(l, "Cholesky.LogDeterminant", "l");
        T sum = T.Zero;
        for (int i = 0; i < l.Rows; i++) sum += T.Log(l[i, i]);
        return sum + sum;
    }

    /// <summary>
    /// Factors a copy of the symmetric matrix <paramref name="a"/> (both triangles read), adding a diagonal
    /// jitter only as <paramref name="policy"/> allows, and reports how much was used. <paramref name="a"/> is never
    /// written.
    /// </summary>
    /// <exception cref="ShapeMismatchException"><paramref name="a"/> is not square.</exception>
    /// <exception cref="NonFiniteValueException"><paramref name="a"/> holds NaN or ±Infinity.</exception>
    /// <exception cref="JitterExhaustedException">Every jitter the policy allows still left a non-positive pivot.</exception>
    public static JitteredCholesky<T> FactorWithJitter<T>(MatrixView<T> a, JitterPolicy policy)
        where T : unmanaged, IFloatingPointIeee754<T> => JitteredFactorization.Factor(a, policy);

    /// <summary>Throws <see cref="NonFiniteValueException"/> for the first NaN/±Infinity in the lower triangle.</summary>
    internal static void RequireFiniteLower<T>(MatrixView<T> a, string operation, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Rows; i++)
        {
            // The vector pass only answers "all finite?": it is what runs on every factorization (n²/2 reads,
            // 2–3 % of potrf at n = 2048–3072 as a scalar loop). The element loop finds the culprit.
            if (a.HasContiguousRows && AllFinite(a.RowSpan(i)[..Math.Min(i + 1, a.Cols)])) continue;
            for (int j = 0; j <= i; j++)
                if (!T.IsFinite(a[i, j]))
                    throw new NonFiniteValueException(operation, name, i, j, double.CreateTruncating(a[i, j]));
        }
    }

    /// <summary>True when no element is NaN or ±∞: x − x is 0 for finite x and NaN otherwise, and NaN survives the sum.</summary>
    private static bool AllFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            var sum = Vector<T>.Zero;
            foreach (var v in vectors) sum += v - v;
            if (sum != Vector<T>.Zero) return false;
            i = vectors.Length * Vector<T>.Count;
        }
        for (; i < values.Length; i++)
            if (!T.IsFinite(values[i])) return false;
        return true;
    }
}
