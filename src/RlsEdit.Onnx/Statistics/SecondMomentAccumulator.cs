using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Statistics;

/// <summary>
/// Streaming Σ k kᵀ over key rows in float64 (lower triangle, via <see cref="Blas.Syrk{T}"/>) and the row count:
/// the uncentered second moment E[k kᵀ] = Σ / count.
/// </summary>
public sealed class SecondMomentAccumulator
{
    private readonly Matrix<double> _sumLower;

    /// <summary>Key width F.</summary>
    public int Dimension { get; }
    /// <summary>Rows accumulated so far.</summary>
    public long Count { get; private set; }

    /// <summary>An empty accumulator for keys of width <paramref name="dimension"/>.</summary>
    public SecondMomentAccumulator(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Dimension = dimension;
        _sumLower = new Matrix<double>(dimension, dimension);
    }

    /// <summary>An accumulator resumed from a stored sum (only its lower triangle is read) and count.</summary>
    public static SecondMomentAccumulator Resume(MatrixView<double> sum, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var a = new SecondMomentAccumulator(sum.Rows);
        Guard.Shape(sum, sum.Rows, sum.Rows, "SecondMomentAccumulator.Resume", nameof(sum));
        sum.CopyTo(a._sumLower.View);
        a.Count = count;
        return a;
    }

    /// <summary>Adds every row of <paramref name="keys"/> [n, F].</summary>
    /// <exception cref="ShapeMismatchException">The width is not <see cref="Dimension"/>.</exception>
    /// <exception cref="NonFiniteValueException">A key is NaN or infinite.</exception>
    public void Add(MatrixView<float> keys)
    {
        Guard.Shape(keys, keys.Rows, Dimension, "SecondMomentAccumulator.Add", nameof(keys));
        if (keys.Rows == 0) return;
        var wide = new Matrix<double>(keys.Rows, Dimension);
        for (int i = 0; i < keys.Rows; i++)
        {
            var row = wide.View.RowSpan(i);
            for (int j = 0; j < Dimension; j++)
            {
                float v = keys[i, j];
                if (!float.IsFinite(v))
                    throw new NonFiniteValueException("SecondMomentAccumulator.Add", nameof(keys), i, j, v);
                row[j] = v;
            }
        }
        // Σ += Kᵀ K (F×F), lower triangle only.
        Blas.Syrk(1.0, wide.View.Transposed, 1.0, _sumLower.View);
        Count += keys.Rows;
    }

    /// <summary>The full symmetric Σ k kᵀ.</summary>
    public Matrix<double> Sum()
    {
        var full = _sumLower.Clone();
        for (int i = 0; i < Dimension; i++)
            for (int j = i + 1; j < Dimension; j++) full[i, j] = full[j, i];
        return full;
    }

    /// <summary>E[k kᵀ] = Σ k kᵀ / count (full symmetric).</summary>
    /// <exception cref="InvalidOperationException">Nothing was accumulated.</exception>
    public Matrix<double> SecondMoment()
    {
        if (Count == 0) throw new InvalidOperationException("SecondMomentAccumulator.SecondMoment: no keys were accumulated.");
        var m = Sum();
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] /= Count;
        return m;
    }
}
