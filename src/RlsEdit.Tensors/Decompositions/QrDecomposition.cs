using System.Numerics;
using System.Numerics.Tensors;

namespace RlsEdit.Tensors;

/// <summary>Householder QR factorization A = Q·R; see <see cref="QrDecomposition{T}"/>.</summary>
public static class QrDecomposition
{
    /// <summary>Factors the m×n matrix <paramref name="a"/> (copied; any shape, any strides) as A = Q·R.</summary>
    /// <exception cref="NonFiniteValueException"><paramref name="a"/> holds NaN or ±Infinity.</exception>
    public static QrDecomposition<T> Factor<T>(MatrixView<T> a) where T : unmanaged, IFloatingPointIeee754<T> => new(a);
}

/// <summary>
/// A = Q·R by Householder reflections: Q = H₀·H₁⋯Hₖ₋₁ (k = min(m, n)) is m×m orthogonal and R is upper triangular.
/// Q is kept implicitly as the reflector vectors; <see cref="ApplyQTransposeInPlace"/>, <see cref="ApplyQInPlace"/> and
/// <see cref="ThinQ"/> use it. Reflectors are grouped in panels of <see cref="PanelWidth"/> whose product is applied
/// as I − V·T·Vᵀ (compact WY) with <see cref="Blas.Gemm{T}"/>, so most of the work is matrix multiplication. The
/// factorization works on Aᵀ so that every column of A is a contiguous row.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class QrDecomposition<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal const int PanelWidth = 32;

    // Row j of `work` is column j of A. After factoring, row j holds R[0..j, j] in its first j entries
    // and the reflector vᵢ of step i = j in entries j..m−1 (v unnormalized, v₀ = x₀ − α).
    private readonly Matrix<T> work;
    private readonly T[] betas;
    private readonly T[] diagonal;

    /// <summary>Rows m of A.</summary>
    public int Rows { get; }
    /// <summary>Columns n of A.</summary>
    public int Cols { get; }
    private int ReflectorCount => Math.Min(Rows, Cols);

    internal QrDecomposition(MatrixView<T> a)
    {
        Guard.Finite(a, "QrDecomposition.Factor", "a");
        Rows = a.Rows; Cols = a.Cols;
        work = a.Transposed.ToMatrix();
        betas = new T[ReflectorCount];
        diagonal = new T[ReflectorCount];
        for (int j = 0; j < ReflectorCount; j += PanelWidth)
        {
            int width = Math.Min(PanelWidth, ReflectorCount - j);
            FactorPanel(j, width);
            int trailing = Cols - j - width;
            if (trailing > 0)
            {
                // The trailing columns of A as an m-row, column-contiguous view of `work`.
                ApplyPanel(j, width, work.View.RowRange(j + width, trailing).Transposed, transpose: true);
            }
        }
    }

    /// <summary>Unblocked Householder QR of columns j..j+width−1, updating only those columns.</summary>
    private void FactorPanel(int j0, int width)
    {
        int m = Rows;
        for (int j = j0; j < j0 + width; j++)
        {
            Span<T> v = work.Data.AsSpan(j * m + j, m - j);
            (betas[j], diagonal[j]) = Householder.MakeReflector(v);
            if (betas[j] == T.Zero) continue;
            for (int c = j + 1; c < j0 + width; c++)
            {
                Span<T> column = work.Data.AsSpan(c * m + j, m - j);
                TensorPrimitives.MultiplyAdd<T>(v, -betas[j] * TensorPrimitives.Dot<T>(v, column), column, column);
            }
        }
    }

    /// <summary>
    /// B ← (I − V·T·Vᵀ)ᵀ·B (<paramref name="transpose"/>) or (I − V·T·Vᵀ)·B on rows j0.. of B, where
    /// I − V·T·Vᵀ = H_j0⋯H_(j0+width−1).
    /// </summary>
    private void ApplyPanel(int j0, int width, MatrixView<T> b, bool transpose)
    {
        if (b.Cols == 0) return;
        (Matrix<T> vt, Matrix<T> t) = PanelFactors(j0, width);
        MatrixView<T> rows = b.RowRange(j0, Rows - j0);
        var y = new Matrix<T>(width, b.Cols);
        var ty = new Matrix<T>(width, b.Cols);
        Blas.Gemm(T.One, vt.View, rows, T.Zero, y.View);                              // Y = Vᵀ·B
        Blas.Gemm(T.One, transpose ? t.View.Transposed : t.View, y.View, T.Zero, ty.View); // Tᵀ·Y or T·Y
        Blas.Gemm(-T.One, vt.View.Transposed, ty.View, T.One, rows);                  // B −= V·(…)
    }

    /// <summary>
    /// Vᵀ (width × (m − j0), reflector r in row r, zeros left of its start) and the upper-triangular T with
    /// H_j0⋯H_(j0+width−1) = I − V·T·Vᵀ, built column by column: T[0..r, r] = −βᵣ·T[0..r, 0..r]·(V[:, 0..r]ᵀ·vᵣ).
    /// </summary>
    private (Matrix<T> Vt, Matrix<T> T) PanelFactors(int j0, int width)
    {
        int length = Rows - j0;
        var vt = new Matrix<T>(width, length);
        for (int r = 0; r < width; r++)
            work.Data.AsSpan((j0 + r) * Rows + j0 + r, length - r).CopyTo(vt.Data.AsSpan(r * length + r, length - r));
        var t = new Matrix<T>(width, width);
        var z = new T[width];
        for (int r = 0; r < width; r++)
        {
            T beta = betas[j0 + r];
            t[r, r] = beta;
            ReadOnlySpan<T> vr = vt.Data.AsSpan(r * length, length);
            for (int i = 0; i < r; i++) z[i] = TensorPrimitives.Dot<T>(vt.Data.AsSpan(i * length, length), vr);
            for (int i = 0; i < r; i++)
            {
                T sum = T.Zero;
                for (int p = i; p < r; p++) sum += t[i, p] * z[p];
                t[i, r] = -beta * sum;
            }
        }
        return (vt, t);
    }

    /// <summary>The upper-triangular factor, min(m, n)×n (the "thin" R); a new matrix on every call.</summary>
    public Matrix<T> R
    {
        get
        {
            var r = new Matrix<T>(ReflectorCount, Cols);
            for (int i = 0; i < ReflectorCount; i++)
            {
                r[i, i] = diagonal[i];
                for (int c = i + 1; c < Cols; c++) r[i, c] = work[c, i];
            }
            return r;
        }
    }

    /// <summary>B ← Qᵀ·B for an m-row <paramref name="b"/>.</summary>
    public void ApplyQTransposeInPlace(MatrixView<T> b)
    {
        CheckRows(b, "QrDecomposition.ApplyQTransposeInPlace");
        for (int j = 0; j < ReflectorCount; j += PanelWidth)
            ApplyPanel(j, Math.Min(PanelWidth, ReflectorCount - j), b, transpose: true);
    }

    /// <summary>B ← Q·B for an m-row <paramref name="b"/>.</summary>
    public void ApplyQInPlace(MatrixView<T> b)
    {
        CheckRows(b, "QrDecomposition.ApplyQInPlace");
        if (ReflectorCount == 0) return;
        for (int j = (ReflectorCount - 1) / PanelWidth * PanelWidth; j >= 0; j -= PanelWidth)
            ApplyPanel(j, Math.Min(PanelWidth, ReflectorCount - j), b, transpose: false);
    }

    /// <summary>The first min(m, n) columns of Q: an m×min(m, n) matrix with orthonormal columns, A = ThinQ·R.</summary>
    public Matrix<T> ThinQ()
    {
        var q = new Matrix<T>(Rows, ReflectorCount);
        for (int i = 0; i < ReflectorCount; i++) q[i, i] = T.One;
        ApplyQInPlace(q.View);
        return q;
    }

    /// <summary>
    /// The least-squares solution X (n×p) minimizing ‖A·X − B‖_F for a tall or square A (m ≥ n) of full column rank.
    /// </summary>
    /// <param name="b">The m×p right-hand sides (not modified).</param>
    /// <param name="relativeTolerance">A column counts as dependent when |R_jj| ≤ tolerance·max|R_ii|;
    /// default max(m, n)·ε.</param>
    /// <exception cref="ShapeMismatchException">m &lt; n, or <paramref name="b"/> does not have m rows.</exception>
    /// <exception cref="RankDeficientException">A column of A is dependent on the others to within the tolerance.</exception>
    /// <exception cref="NonFiniteValueException"><paramref name="b"/> holds NaN or ±Infinity.</exception>
    public Matrix<T> SolveLeastSquares(MatrixView<T> b, T? relativeTolerance = null)
    {
        const string operation = "QrDecomposition.SolveLeastSquares";
        if (Rows < Cols)
            throw new ShapeMismatchException(operation, "a", "at least as many rows as columns (m ≥ n)", $"{Rows}×{Cols}");
        CheckRows(b, operation);
        Guard.Finite(b, operation, "b");
        CheckFullRank(relativeTolerance ?? DefaultRankTolerance, operation);

        Matrix<T> y = b.ToMatrix();
        ApplyQTransposeInPlace(y.View);
        Matrix<T> x = y.View.RowRange(0, Cols).ToMatrix();
        Blas.Trsm(Side.Left, Triangle.Upper, Diagonal.NonUnit, T.One, R.View, x.View);
        return x;
    }

    /// <summary>max(m, n)·ε, with ε = 2u the machine epsilon.</summary>
    private T DefaultRankTolerance => T.CreateTruncating(2 * Math.Max(Rows, Cols)) * Precision.UnitRoundoff<T>();

    private void CheckFullRank(T relativeTolerance, string operation)
    {
        T largest = T.Zero;
        foreach (T d in diagonal) largest = T.Max(largest, T.Abs(d));
        T threshold = relativeTolerance * largest;
        for (int j = 0; j < diagonal.Length; j++)
            if (!(T.Abs(diagonal[j]) > threshold))
                throw new RankDeficientException(operation, j, double.CreateTruncating(T.Abs(diagonal[j])), double.CreateTruncating(threshold));
    }

    private void CheckRows(MatrixView<T> b, string operation)
    {
        if (b.Rows != Rows) throw new ShapeMismatchException(operation, "b", $"{Rows} rows (the rows of A)", $"{b.Rows}×{b.Cols}");
    }
}
