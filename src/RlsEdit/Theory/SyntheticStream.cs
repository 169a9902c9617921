using RlsEdit.Tensors;

namespace RlsEdit.Theory;

/// <summary>
/// A synthetic key/value stream with known population statistics: keys k = L·z with z ~ N(0, I) and L diagonal, values
/// v = kᵀW_true + ε with ε ~ N(0, σ²I). Then Σ_K = E[kkᵀ] = L² and Σ_KV = E[k vᵀ] = Σ_K W_true exactly, which is what the
/// many-edits limits R1 and R2 are stated in.
/// </summary>
public sealed class SyntheticStream
{
    private readonly Random _random;
    private readonly double[] _scales;

    /// <summary>The true map W_true (d_k×d_v).</summary>
    public Matrix<double> TrueWeight { get; }

    /// <summary>The noise standard deviation σ.</summary>
    public double NoiseStd { get; }

    /// <summary>
    /// A stream with d_k = <paramref name="keyDim"/>, d_v = <paramref name="valueDim"/>; the key scales decay geometrically from 1
    /// down to 1/√<paramref name="keyCondition"/>, so Σ_K has condition number <paramref name="keyCondition"/>.
    /// </summary>
    public SyntheticStream(int keyDim, int valueDim, double noiseStd, int seed, double keyCondition = 1)
    {
        if (keyDim < 1 || valueDim < 1)
            throw new ArgumentOutOfRangeException(nameof(keyDim), $"SyntheticStream: d_k and d_v must be ≥ 1 (got {keyDim}, {valueDim}).");
        if (!(keyCondition >= 1) || !(noiseStd >= 0))
            throw new ArgumentOutOfRangeException(nameof(keyCondition), $"SyntheticStream: need key condition ≥ 1 and σ ≥ 0 (got {keyCondition}, {noiseStd}).");
        _random = new Random(seed);
        NoiseStd = noiseStd;
        _scales = new double[keyDim];
        for (int i = 0; i < keyDim; i++)
            _scales[i] = keyDim == 1 ? 1 : Math.Pow(keyCondition, -0.5 * i / (keyDim - 1));
        TrueWeight = Gaussian(keyDim, valueDim);
    }

    /// <summary>d_k.</summary>
    public int KeyDim => _scales.Length;

    /// <summary>d_v.</summary>
    public int ValueDim => TrueWeight.Cols;

    /// <summary>Σ_K = E[kkᵀ] (full, diagonal).</summary>
    public Matrix<double> KeyCovariance()
    {
        var s = new Matrix<double>(KeyDim, KeyDim);
        for (int i = 0; i < KeyDim; i++) s[i, i] = _scales[i] * _scales[i];
        return s;
    }

    /// <summary>Σ_KV = E[k vᵀ] = Σ_K W_true.</summary>
    public Matrix<double> CrossCovariance()
    {
        var c = new Matrix<double>(KeyDim, ValueDim);
        Blas.Gemm(1.0, KeyCovariance().View, TrueWeight.View, 0.0, c.View);
        return c;
    }

    /// <summary>The next batch of <paramref name="rows"/> key/value pairs: K (u×d_k), V (u×d_v).</summary>
    public (Matrix<double> Keys, Matrix<double> Values) Next(int rows)
    {
        var k = Gaussian(rows, KeyDim);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < KeyDim; j++) k[i, j] *= _scales[j];
        var v = Gaussian(rows, ValueDim);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] *= NoiseStd;
        Blas.Gemm(1.0, k.View, TrueWeight.View, 1.0, v.View);
        return (k, v);
    }

    /// <summary>An r×c matrix of independent standard normal entries from this stream's generator.</summary>
    public Matrix<double> Gaussian(int rows, int cols)
    {
        var m = new Matrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
            m.Data[i] = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
        return m;
    }
}
