using RlsEdit.Models;
using RlsEdit.Models.Safetensors;
using RlsEdit.Tensors;
using RlsEdit.World.Training;
using Xunit;

namespace RlsEdit.World.Tests;

public class AdamWTests
{
    private static Parameter<float> Make(string name, int rows, int cols, float[] values)
    {
        var m = new Matrix<float>(rows, cols);
        values.CopyTo(m.Data, 0);
        return new Parameter<float>(name, rows == 1 ? [cols] : [rows, cols], SafetensorsDType.F32, m);
    }

    [Fact]
    public void StepsMatchTheTextbookRecurrenceInDouble()
    {
        var w = Make("w", 2, 2, [0.5f, -1f, 2f, 0.25f]);
        var b = Make("b", 1, 2, [0.1f, -0.2f]);
        var opt = new AdamW([w, b]) { WeightDecay = 0.1 };
        double[] wRef = [0.5, -1, 2, 0.25], bRef = [0.1, -0.2];
        double[] mw = new double[4], vw = new double[4], mb = new double[2], vb = new double[2];
        var rng = new Random(3);
        for (int t = 1; t <= 5; t++)
        {
            double lr = 0.01 * t;
            var gw = Enumerable.Range(0, 4).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var gb = Enumerable.Range(0, 2).Select(_ => rng.NextDouble() - 0.5).ToArray();
            for (int i = 0; i < 4; i++) w.EnsureGradient().Data[i] = (float)gw[i];
            for (int i = 0; i < 2; i++) b.EnsureGradient().Data[i] = (float)gb[i];
            opt.Update(lr);
            void Reference(double[] p, double[] g, double[] m, double[] v, bool decay)
            {
                for (int i = 0; i < p.Length; i++)
                {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.95 * v[i] + 0.05 * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.Pow(0.9, t)), vHat = v[i] / (1 - Math.Pow(0.95, t));
                    p[i] = p[i] * (decay ? 1 - lr * 0.1 : 1) - lr * mHat / (Math.Sqrt(vHat) + 1e-8);
                }
            }
            Reference(wRef, gw, mw, vw, decay: true);
            Reference(bRef, gb, mb, vb, decay: false);
        }
        for (int i = 0; i < 4; i++) Assert.Equal(wRef[i], w.Value.Data[i], 5);
        for (int i = 0; i < 2; i++) Assert.Equal(bRef[i], b.Value.Data[i], 5);
    }

    [Fact]
    public void GradientNormAndScalingClip()
    {
        var w = Make("w", 1, 2, [0f, 0f]);
        w.EnsureGradient().Data[0] = 3;
        w.EnsureGradient().Data[1] = 4;
        var opt = new AdamW([w]);
        Assert.Equal(5, opt.GradientNorm(), 12);
        opt.Update(0.1, gradientScale: 0.2);
        Assert.Equal(0.1 * 0.6, opt.FirstMoments[0][0], 6);
    }

    [Fact]
    public void NonFiniteGradientsAreRejected()
    {
        var w = Make("w", 1, 2, [0f, 0f]);
        w.EnsureGradient().Data[1] = float.NaN;
        w.Value.Data[0] = 1.5f;
        var opt = new AdamW([w]);
        Assert.Throws<NonFiniteValueException>(() => opt.Update(0.1));
        Assert.Equal([1.5f, 0f], w.Value.Data);
        Assert.Equal(0, opt.Step);
    }
}
