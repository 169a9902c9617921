using RlsEdit.Tensors;
using RlsEdit.Theory;
using Xunit;
using MM = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace RlsEdit.Tests;

public class RlsEditorTests
{
    [Fact]
    public void Float32_editor_tracks_the_float64_solution_to_single_precision()
    {
        var rng = new Random(3);
        var w0 = TestData.Gaussian(rng, 24, 5);
        var k0 = TestData.Gaussian(rng, 30, 24);
        var hyper = new RlsHyperParameters(0.5, 2.0);
        var ed = new RlsEditor<double>(w0.View, hyper, Anchor<double>.FromKeys(k0.View));
        var ef = new RlsEditor<float>(TestData.ToFloat(w0).View, hyper, Anchor<float>.FromKeys(TestData.ToFloat(k0).View));
        for (int t = 0; t < 60; t++)
        {
            var k = TestData.Gaussian(rng, 1 + t % 5, 24);
            var v = TestData.Gaussian(rng, k.Rows, 5);
            ed.Step(k.View, v.View);
            ef.Step(TestData.ToFloat(k).View, TestData.ToFloat(v).View);
        }
        double err = TestData.RelativeError(TestData.ToMathNet(ef.Weight), TestData.ToMathNet(ed.Weight));
        Assert.InRange(err, 0, 1e-4);
        Assert.True(err > 0, "float32 should differ from float64 at all (else the float path is not float)");
    }

    [Fact]
    public void Growing_beta_drives_the_anchor_drift_to_zero()
    {
        var rng = new Random(5);
        int dk = 10, dv = 3;
        var w0 = TestData.Gaussian(rng, dk, dv);
        var k0 = TestData.Gaussian(rng, 4, dk);              // rank 4 < d_k: edits still have 6 free directions
        var batches = Enumerable.Range(0, 6).Select(_ => (TestData.Gaussian(rng, 2, dk), TestData.Gaussian(rng, 2, dv))).ToList();
        double previousDrift = double.PositiveInfinity, lastDrift = 0, lastMove = 0;
        foreach (double beta in new[] { 1e1, 1e3, 1e5, 1e7 })
        {
            var editor = new RlsEditor<double>(w0.View, new RlsHyperParameters(0.1, beta), Anchor<double>.FromKeys(k0.View));
            foreach (var (k, v) in batches) editor.Step(k.View, v.View);
            var delta = TestData.ToMathNet(editor.Weight) - TestData.ToMathNet(w0);
            double drift = (TestData.ToMathNet(k0) * delta).FrobeniusNorm();
            Assert.True(drift < previousDrift / 30, $"β = {beta}: drift {drift} did not fall by ≥ 30× from {previousDrift}");
            previousDrift = drift;
            lastDrift = drift;
            lastMove = delta.FrobeniusNorm();
        }
        Assert.True(lastMove > 0.1, "the edits must still move W inside the null space of K₀");
        Assert.True(lastDrift < 1e-5 * lastMove);
    }

    [Fact]
    public void R1_fixed_regularisation_converges_to_population_least_squares()
    {
        var stream = new SyntheticStream(4, 2, noiseStd: 0.3, seed: 11, keyCondition: 4);
        var limit = ManyEditsLimits.PopulationLeastSquares(stream.KeyCovariance(), stream.CrossCovariance());
        Assert.True(TestData.RelativeError(TestData.ToMathNet(limit), TestData.ToMathNet(stream.TrueWeight)) < 1e-12);
        var w0 = stream.Gaussian(4, 2);
        var anchor = Anchor<double>.FromKeys(stream.Gaussian(3, 4).View, stream.Gaussian(3, 2).View);
        var editor = new RlsEditor<double>(w0.View, new RlsHyperParameters(2.0, 5.0), anchor);
        var errors = new List<double>();
        for (int t = 1; t <= 20000; t++)
        {
            var (k, v) = stream.Next(1);
            editor.Step(k.View, v.View);
            if (t is 100 or 1000 or 20000) errors.Add(Norms.FrobeniusDistance(editor.Weight.View, limit.View));
        }
        Assert.True(errors[1] < errors[0] && errors[2] < errors[1], string.Join(", ", errors));
        Assert.True(errors[2] < 0.02, string.Join(", ", errors));
    }

    [Fact]
    public void R2_regularisation_growing_with_the_stream_converges_to_the_ridge_population_minimiser()
    {
        var stream = new SyntheticStream(4, 2, noiseStd: 0.3, seed: 13, keyCondition: 4);
        var w0 = stream.Gaussian(4, 2);
        var anchor = Anchor<double>.FromKeys(stream.Gaussian(3, 4).View, stream.Gaussian(3, 2).View);
        var rates = new RlsHyperParameters(0.25, 0.64);                // α_t = 0.25·n_t, β_t = 0.64·n_t
        var limit = ManyEditsLimits.RidgePopulationMinimiser(stream.KeyCovariance(), stream.CrossCovariance(), rates, w0, anchor);
        // Oracle for the limit formula, built independently with MathNet.
        var mk0 = TestData.ToMathNet(anchor.Keys!);
        var h = TestData.ToMathNet(stream.KeyCovariance()) + MM.Build.DenseIdentity(4) * 0.25 + mk0.TransposeThisAndMultiply(mk0) * 0.64;
        var b = TestData.ToMathNet(stream.CrossCovariance()) + TestData.ToMathNet(w0) * 0.25 + mk0.TransposeThisAndMultiply(TestData.ToMathNet(anchor.Values!)) * 0.64;
        Assert.True(TestData.RelativeError(TestData.ToMathNet(limit), h.Solve(b)) < 1e-12);

        // Data sums only (α = β = 0, no anchor); the growing weights enter when the minimiser is formed.
        var data = new NormalEquations<double>(new Matrix<double>(4, 2).View, new RlsHyperParameters(0, 0), null);
        var errors = new List<double>();
        for (int n = 1; n <= 20000; n++)
        {
            var (k, v) = stream.Next(1);
            data.Add(k.View, v.View);
            if (n is 100 or 1000 or 20000)
            {
                var sk = data.Information.Clone();
                var skv = data.RightHandSide.Clone();
                for (int i = 0; i < sk.Data.Length; i++) sk.Data[i] /= n;
                for (int i = 0; i < skv.Data.Length; i++) skv.Data[i] /= n;
                SymmetricMirror(sk);
                // W_n* with α = 0.25n, β = 0.64n equals the minimiser of the objective divided by n.
                var wn = ManyEditsLimits.RidgePopulationMinimiser(sk, skv, rates, w0, anchor);
                errors.Add(Norms.FrobeniusDistance(wn.View, limit.View));
            }
        }
        Assert.True(errors[1] < errors[0] && errors[2] < errors[1], string.Join(", ", errors));
        Assert.True(errors[2] < 0.02, string.Join(", ", errors));
    }

    [Fact]
    public void Shape_and_value_errors_name_the_array_and_shapes()
    {
        var w0 = new Matrix<double>(3, 2);
        var editor = new RlsEditor<double>(w0.View, new RlsHyperParameters(1, 0));
        var badK = Assert.Throws<ShapeMismatchException>(() => editor.Step(new Matrix<double>(2, 4).View, new Matrix<double>(2, 2).View));
        Assert.Contains("K", badK.Message);
        Assert.Contains("2×4", badK.Message);
        var badV = Assert.Throws<ShapeMismatchException>(() => editor.Step(new Matrix<double>(2, 3).View, new Matrix<double>(1, 2).View));
        Assert.Contains("1×2", badV.Message);
        var v = new Matrix<double>(1, 2);
        v[0, 1] = double.NaN;
        Assert.Throws<NonFiniteValueException>(() => editor.Step(new Matrix<double>(1, 3).View, v.View));
        Assert.Equal(0, editor.StepCount);
    }

    [Fact]
    public void Singular_start_information_is_rejected_with_a_clear_message()
    {
        var w0 = new Matrix<double>(5, 2);
        var none = Assert.Throws<ArgumentException>(() => new RlsEditor<double>(w0.View, new RlsHyperParameters(0, 0)));
        Assert.Contains("singular", none.Message);
        var thinK0 = Anchor<double>.FromKeys(TestData.Gaussian(new Random(1), 3, 5).View);
        var rank = Assert.Throws<ArgumentException>(() => new RlsEditor<double>(w0.View, new RlsHyperParameters(0, 1), thinK0));
        Assert.Contains("K0 (3×5)", rank.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RlsEditor<double>(w0.View, new RlsHyperParameters(-1, 1)));
        Assert.Throws<ArgumentException>(() => new RlsEditor<double>(w0.View, new RlsHyperParameters(1, 0), null,
            new RlsEditorOptions { Mode = EditMode.Reset, TrackBounds = true }));
    }

    [Fact]
    public void Empty_batch_counts_as_a_step_and_changes_nothing()
    {
        var w0 = TestData.Gaussian(new Random(2), 3, 2);
        var editor = new RlsEditor<double>(w0.View, new RlsHyperParameters(1, 0));
        var report = editor.Step(new Matrix<double>(0, 3).View, new Matrix<double>(0, 2).View);
        Assert.Equal(1, editor.StepCount);
        Assert.Equal(0.0, report.DeltaNorm);
        Assert.Equal(w0.Data, editor.Weight.Data);
    }

    [Fact]
    public void Second_moment_anchor_with_reference_hyper_parameters_matches_the_reference_c0()
    {
        var rng = new Random(8);
        var keys = TestData.Gaussian(rng, 40, 6);
        var mk = TestData.ToMathNet(keys);
        var moment = mk.TransposeThisAndMultiply(mk) / 40.0;             // E[kkᵀ]
        var hyper = RlsHyperParameters.FromReferenceCode(lambdaReg: 0.5, muReg: 2.0, mom2UpdateWeight: 150);
        Assert.Equal(0.25, hyper.Alpha);
        Assert.Equal(600.0, hyper.Beta);
        var momentMatrix = Matrix<double>.FromArray(moment.ToArray());
        var editor = new RlsEditor<double>(new Matrix<double>(6, 2).View, hyper, Anchor<double>.FromSecondMoment(momentMatrix.View));
        var expected = (MM.Build.DenseIdentity(6) * 0.25 + moment * 4.0 * 150).Inverse();  // C₀ = (λ²I + μ²·w·E[kkᵀ])⁻¹
        Assert.True(TestData.RelativeError(TestData.ToMathNet(editor.Covariance()), expected) < 1e-12);
    }

    [Fact]
    public void Long_float32_stream_keeps_a_healthy_inverse_and_refactor_restores_it()
    {
        var stream = new SyntheticStream(16, 2, 0.1, seed: 21, keyCondition: 100);
        var options = new RlsEditorOptions { TrackInformation = true };
        var e64 = new RlsEditor<double>(new Matrix<double>(16, 2).View, new RlsHyperParameters(1e-2, 0), null, options);
        var e32 = new RlsEditor<float>(new Matrix<float>(16, 2).View, new RlsHyperParameters(1e-2, 0), null, options);
        for (int t = 0; t < 3000; t++)
        {
            var (k, v) = stream.Next(1);
            e64.Step(k.View, v.View);
            e32.Step(TestData.ToFloat(k).View, TestData.ToFloat(v).View);
        }
        var h64 = e64.CheckHealth(200);
        var h32 = e32.CheckHealth(200);
        Assert.InRange(h64.InverseError!.Value, 0, 1e-11);
        Assert.InRange(h32.InverseError!.Value, 0, 1e-1);
        Assert.True(h64.MinDiagonal > 0 && h32.MinDiagonal > 0);
        var full = e64.Normal!.Information.Clone();
        SymmetricMirror(full);
        double lambdaMin = TestData.ToMathNet(full).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Min(z => z.Real);
        Assert.InRange(h64.LambdaMinEstimate, lambdaMin * (1 - 1e-6), lambdaMin * 1.5);
        e32.Refactor();
        Assert.True(e32.CheckHealth().InverseError < Math.Max(h32.InverseError!.Value, 1e-6));
    }

    private static void SymmetricMirror(Matrix<double> a)
    {
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < i; j++) a[j, i] = a[i, j];
    }
}
