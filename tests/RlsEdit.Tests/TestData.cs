using FsCheck;
using FsCheck.Fluent;
using RlsEdit.Tensors;
using MM = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace RlsEdit.Tests;

/// <summary>A random editing problem: start weight, optional anchor, hyper-parameters and a stream of batches.</summary>
public sealed record StreamCase(int KeyDim, int ValueDim, int[] Sizes, double Alpha, double Beta, bool HasAnchor, bool ExplicitValues, int Seed)
{
    public override string ToString() =>
        $"d_k={KeyDim} d_v={ValueDim} sizes=[{string.Join(",", Sizes)}] α={Alpha} β={Beta} anchor={HasAnchor} V0={ExplicitValues} seed={Seed}";

    public Problem Build()
    {
        var rng = new Random(Seed);
        var w0 = TestData.Gaussian(rng, KeyDim, ValueDim);
        Anchor<double>? anchor = null;
        if (HasAnchor)
        {
            var k0 = TestData.Gaussian(rng, KeyDim + 2, KeyDim);
            anchor = Anchor<double>.FromKeys(k0.View, ExplicitValues ? TestData.Gaussian(rng, KeyDim + 2, ValueDim).View : null);
        }
        var batches = Sizes.Select(u => (TestData.Gaussian(rng, u, KeyDim), TestData.Gaussian(rng, u, ValueDim))).ToList();
        return new Problem(w0, anchor, new RlsHyperParameters(Alpha, Beta), batches);
    }
}

public sealed record Problem(Matrix<double> W0, Anchor<double>? Anchor, RlsHyperParameters Hyper, List<(Matrix<double> K, Matrix<double> V)> Batches);

public static class TestData
{
    public static Matrix<double> Gaussian(Random rng, int rows, int cols, double scale = 1)
    {
        var m = new Matrix<double>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
            m.Data[i] = scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return m;
    }

    public static MM ToMathNet(MatrixView<double> a) => MM.Build.Dense(a.Rows, a.Cols, (i, j) => a[i, j]);

    public static MM ToMathNet(Matrix<double> a) => ToMathNet(a.View);

    public static MM ToMathNet(Matrix<float> a) => MM.Build.Dense(a.Rows, a.Cols, (i, j) => a[i, j]);

    public static Matrix<float> ToFloat(Matrix<double> a)
    {
        var m = new Matrix<float>(a.Rows, a.Cols);
        for (int i = 0; i < a.Data.Length; i++) m.Data[i] = (float)a.Data[i];
        return m;
    }

    /// <summary>
    /// The oracle: W_t* as the least-squares solution (Householder QR, MathNet) of the stacked system
    /// [√α I; √β K₀; K_1; …; K_t] W ≈ [√α W₀; √β V₀; V_1; …; V_t], independent of the normal equations.
    /// </summary>
    public static MM StackedLeastSquares(Problem p, int steps)
    {
        var (a, y) = Stacked(p, steps);
        return a.QR().Solve(y);
    }

    /// <summary>H_t = AᵀA of the stacked system, formed by MathNet.</summary>
    public static MM Information(Problem p, int steps)
    {
        var (a, _) = Stacked(p, steps);
        return a.TransposeThisAndMultiply(a);
    }

    public static (MM A, MM Y) Stacked(Problem p, int steps)
    {
        int dk = p.W0.Rows, dv = p.W0.Cols;
        var blocksA = new List<MM>();
        var blocksY = new List<MM>();
        double sa = Math.Sqrt(p.Hyper.Alpha), sb = Math.Sqrt(p.Hyper.Beta);
        blocksA.Add(MM.Build.DenseIdentity(dk) * sa);
        blocksY.Add(ToMathNet(p.W0) * sa);
        if (p.Anchor?.Keys is { } k0)
        {
            var mk0 = ToMathNet(k0);
            blocksA.Add(mk0 * sb);
            blocksY.Add((p.Anchor.Values is { } v0 ? ToMathNet(v0) : mk0 * ToMathNet(p.W0)) * sb);
        }
        foreach (var (k, v) in p.Batches.Take(steps))
        {
            blocksA.Add(ToMathNet(k));
            blocksY.Add(ToMathNet(v));
        }
        return (StackRows(blocksA, dk), StackRows(blocksY, dv));
    }

    private static MM StackRows(List<MM> blocks, int cols)
    {
        var result = MM.Build.Dense(blocks.Sum(b => b.RowCount), cols);
        int r = 0;
        foreach (var b in blocks)
        {
            result.SetSubMatrix(r, 0, b);
            r += b.RowCount;
        }
        return result;
    }

    /// <summary>
    /// The size against which an error in W_t is measured: ‖W_t*‖_F + ‖H_t⁻¹‖₂·‖|B|‖_F, where |B| = α|W₀| + β|K₀|ᵀ|V₀| + Σ|K_i|ᵀ|V_i|
    /// adds the terms of B_t in absolute value. When B_t cancels to something small, rounding in the terms still leaves an
    /// error of order ε·‖H⁻¹‖·‖|B|‖, so a bound relative to ‖W_t*‖ alone would be wrong.
    /// </summary>
    public static double WeightErrorScale(Problem p, int steps)
    {
        var (a, y) = Stacked(p, steps);
        var h = a.TransposeThisAndMultiply(a);
        var bAbs = a.PointwiseAbs().TransposeThisAndMultiply(y.PointwiseAbs());
        double lambdaMin = h.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Min(z => z.Real);
        return h.Solve(a.TransposeThisAndMultiply(y)).FrobeniusNorm() + bAbs.FrobeniusNorm() / lambdaMin;
    }

    public static double RelativeError(MM actual, MM expected) =>
        (actual - expected).FrobeniusNorm() / Math.Max(expected.FrobeniusNorm(), double.Epsilon);

    public static Gen<StreamCase> Streams(int maxKeyDim = 8, int maxSteps = 8) =>
        from dk in Gen.Choose(1, maxKeyDim)
        from dv in Gen.Choose(1, 4)
        from steps in Gen.Choose(1, maxSteps)
        from sizes in Gen.Choose(1, 20).ArrayOf(steps)
        from alphaChoice in Gen.Choose(0, 4)
        from betaChoice in Gen.Choose(0, 4)
        from anchor in Gen.Elements(true, false)
        from values in Gen.Elements(true, false)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        let alpha = alphaChoice == 0 && anchor && betaChoice > 0 ? 0.0 : new[] { 0.05, 0.05, 0.3, 1.0, 7.0 }[alphaChoice]
        let beta = new[] { 0.0, 0.1, 1.0, 3.0, 20.0 }[betaChoice]
        select new StreamCase(dk, dv, sizes, alpha, beta, anchor, values, seed);

    public static Arbitrary<StreamCase> StreamArbitrary() => Streams().ToArbitrary();
}

public static class StreamArbitraries
{
    public static Arbitrary<StreamCase> Streams() => TestData.StreamArbitrary();
}
