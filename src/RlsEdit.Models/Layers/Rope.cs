using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models.Layers;

/// <summary>
/// Rotary position embedding, rotate-half convention (Hugging Face Llama): within each head the pair
/// (x[i], x[i + hd/2]) is rotated by the angle pos·θ^(−2i/hd).
/// </summary>
internal sealed class Rope<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _headDim;
    private readonly double[] _inverseFrequency;

    public Rope(int headDim, double theta, RopeScaling? scaling)
    {
        _headDim = headDim;
        _inverseFrequency = new double[headDim / 2];
        for (int i = 0; i < _inverseFrequency.Length; i++)
            _inverseFrequency[i] = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
        scaling?.Apply(_inverseFrequency);
    }

    // x: [N, heads·hd], rotated in place by the position of each row; inverse rotates back (the backward pass,
    // since the rotation is orthogonal its transpose is its inverse).
    public void Apply(MatrixView<T> x, int[] positions, bool inverse)
    {
        int half = _headDim / 2;
        int heads = x.Cols / _headDim;
        var cos = new T[half];
        var sin = new T[half];
        for (int n = 0; n < x.Rows; n++)
        {
            for (int i = 0; i < half; i++)
            {
                double angle = positions[n] * _inverseFrequency[i];
                cos[i] = T.CreateChecked(Math.Cos(angle));
                sin[i] = T.CreateChecked(inverse ? -Math.Sin(angle) : Math.Sin(angle));
            }
            var row = x.RowSpan(n);
            for (int h = 0; h < heads; h++)
            {
                var head = row.Slice(h * _headDim, _headDim);
                for (int i = 0; i < half; i++)
                {
                    T a = head[i], b = head[i + half];
                    head[i] = a * cos[i] - b * sin[i];
                    head[i + half] = b * cos[i] + a * sin[i];
                }
            }
        }
    }
}
