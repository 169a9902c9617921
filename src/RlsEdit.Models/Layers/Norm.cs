using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models.Layers;

/// <summary>
/// Per-row normalisation: LayerNorm y = (x − μ)·r·w + b (GPT-2) or RMSNorm y = x·r·w (Llama), with
/// r = 1/√(var + ε) or 1/√(mean(x²) + ε). The forward pass keeps μ and r per row for the backward pass.
/// </summary>
internal sealed class Norm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Parameter<T> Weight { get; }
    public Parameter<T>? Bias { get; }
    private readonly bool _rms;
    private readonly T _eps;

    public Norm(Parameter<T> weight, Parameter<T>? bias, bool rms, double eps)
    {
        Weight = weight; Bias = bias; _rms = rms; _eps = T.CreateChecked(eps);
    }

    // x: [N, D] → y: [N, D]; mean, rstd: [N]
    public void Forward(MatrixView<T> x, MatrixView<T> y, T[] mean, T[] rstd)
    {
        var w = Weight.Value.Data.AsSpan();
        var b = Bias is null ? default : Bias.Value.Data.AsSpan();
        T d = T.CreateChecked(x.Cols);
        for (int n = 0; n < x.Rows; n++)
        {
            var xr = x.RowSpan(n);
            var yr = y.RowSpan(n);
            T mu = T.Zero;
            if (!_rms)
            {
                foreach (var v in xr) mu += v;
                mu /= d;
            }
            T var = T.Zero;
            foreach (var v in xr) var += (v - mu) * (v - mu);
            T r = T.One / T.Sqrt(var / d + _eps);
            for (int j = 0; j < xr.Length; j++)
                yr[j] = (xr[j] - mu) * r * w[j] + (b.IsEmpty ? T.Zero : b[j]);
            mean[n] = mu; rstd[n] = r;
        }
    }

    // dy: [N, D] → dx: [N, D] (accumulated); dw, db accumulated when parameter gradients are wanted.
    // With x̂ = (x − μ)·r and g = dy·w:  LayerNorm dx = r·(g − mean(g) − x̂·mean(g·x̂)),  RMSNorm dx = r·(g − x̂·mean(g·x̂)).
    public void Backward(MatrixView<T> x, MatrixView<T> dy, MatrixView<T> dx, T[] mean, T[] rstd, bool parameterGradients)
    {
        var w = Weight.Value.Data.AsSpan();
        var dw = parameterGradients ? Weight.EnsureGradient().Data.AsSpan() : default;
        var db = parameterGradients && Bias is not null ? Bias.EnsureGradient().Data.AsSpan() : default;
        T d = T.CreateChecked(x.Cols);
        for (int n = 0; n < x.Rows; n++)
        {
            var xr = x.RowSpan(n);
            var dyr = dy.RowSpan(n);
            var dxr = dx.RowSpan(n);
            T mu = mean[n], r = rstd[n];
            T meanG = T.Zero, meanGx = T.Zero;
            for (int j = 0; j < xr.Length; j++)
            {
                T g = dyr[j] * w[j];
                meanG += g;
                meanGx += g * (xr[j] - mu) * r;
            }
            meanG = _rms ? T.Zero : meanG / d;
            meanGx /= d;
            for (int j = 0; j < xr.Length; j++)
            {
                T xhat = (xr[j] - mu) * r;
                dxr[j] += r * (dyr[j] * w[j] - meanG - xhat * meanGx);
                if (!dw.IsEmpty) dw[j] += dyr[j] * xhat;
                if (!db.IsEmpty) db[j] += dyr[j];
            }
        }
    }
}
