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
/// <see cref="ThinQ"/> use it. The factorization works on Aᵀ so that every column of A is a contiguous row.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class QrDecomposition<T> where T : unmanaged, IFloatingPointIeee754<T>
{
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
        int m = Rows;
        for (int j = 0; j < ReflectorCount; j++)
        {
            Span<T> v = work.Data.AsSpan(j * m + j, m - j);
            (betas[j], diagonal[j]) = SymmetricEigen.MakeReflector(v);
            if (betas[j] == T.Zero) continue;
            for (int c = j + 1; c < Cols; c++)
            {
                Span<T> column = work.Data.AsSpan(c * m + j, m - j);
                TensorPrimitives.MultiplyAdd<T>(v, -betas[j] * TensorPrimitives.Dot<T>(v, column), column, column);
            }
        }
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
        for (int j = 0; j < ReflectorCount; j++) Reflect(j, b);
    }

    /// <summary>B ← Q·B for an m-row <paramref name="b"/>.</summary>
    public void ApplyQInPlace(MatrixView<T> b)
    {
        CheckRows(b, "QrDecomposition.ApplyQInPlace");
        for (int j = ReflectorCount - 1; j >= 0; j--) Reflect(j, b);
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
    private T DefaultRankTolerance => T.CreateTruncating(2 * Math.Max(Rows, Cols)) * SymmetricTridiagonalQr.UnitRoundoff<T>();

    private void CheckFullRank(T relativeTolerance, string operation)
    {
        T largest = T.Zero;
        foreach (T d in diagonal) largest = T.Max(largest, T.Abs(d));
        T threshold = relativeTolerance * largest;
        for (int j = 0; j < diagonal.Length; j++)
            if (!(T.Abs(diagonal[j]) > threshold))
                throw new RankDeficientException(operation, j, double.CreateTruncating(T.Abs(diagonal[j])), double.CreateTruncating(threshold));
    }

    /// <summary>B ← Hⱼ·B = B − βⱼ·v·(vᵀ·B) on rows j.. of B.</summary>
    private void Reflect(int j, MatrixView<T> b)
    {
        T beta = betas[j];
        if (beta == T.Zero || b.Cols == 0) return;
        ReadOnlySpan<T> v = work.Data.AsSpan(j * Rows + j, Rows - j);
        MatrixView<T> block = b.RowRange(j, Rows - j);
        var s = new T[b.Cols];
        if (block.HasContiguousRows)
        {
            for (int i = 0; i < v.Length; i++) TensorPrimitives.MultiplyAdd<T>(block.RowSpan(i), v[i], s, s);
            for (int i = 0; i < v.Length; i++)
            {
                Span<T> row = block.RowSpan(i);
                TensorPrimitives.MultiplyAdd<T>(s, -beta * v[i], row, row);
            }
            return;
        }
        for (int i = 0; i < v.Length; i++)
            for (int c = 0; c < block.Cols; c++) s[c] += v[i] * block[i, c];
        for (int i = 0; i < v.Length; i++)
            for (int c = 0; c < block.Cols; c++) block[i, c] -= beta * v[i] * s[c];
    }

    private void CheckRows(MatrixView<T> b, string operation)
    {
        if (b.Rows != Rows) throw new ShapeMismatchException(operation, "b", $"{Rows} rows (the rows of A)", $"{b.Rows}×{b.Cols}");
    }
}
