using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using RlsEdit.Baselines;
using RlsEdit.Tensors;
using Xunit;
using MM = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace RlsEdit.Tests;

public class BaselineTests
{
    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 40)]
    public void Rls_reset_mode_equals_the_memit_editor_with_the_anchor_information_as_covariance(StreamCase c)
    {
        var p = (c with { ExplicitValues = false }).Build();
        var rls = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor, new RlsEditorOptions { Mode = EditMode.Reset });
        var h0 = new NormalEquations<double>(p.W0.View, p.Hyper, p.Anchor).Information;
        var memit = new MemitEditor<double>(p.W0.View, h0.View, 1.0);
        foreach (var (k, v) in p.Batches)
        {
            var a = rls.Step(k.View, v.View);
            var b = memit.Step(k.View, v.View);
            Assert.Equal(a.InnovationNorm, b.InnovationNorm, 1e-8 * (1 + a.ResidualBefore));
        }
        var hm = TestData.ToMathNet(h0);
        double err = TestData.RelativeError(TestData.ToMathNet(memit.Weight), TestData.ToMathNet(rls.Weight));
        Assert.True(err < 1e-12 * (hm + hm.StrictlyLowerTriangle().Transpose()).ConditionNumber() * p.Batches.Count + 1e-13, $"{err:E3} ({c})");
    }

    [Fact]
    public void Memit_step_matches_the_published_formula()
    {
        var rng = new Random(31);
        var w0 = TestData.Gaussian(rng, 9, 4);
        var keys = TestData.Gaussian(rng, 50, 9);
        var cov = new RlsEdit.Tensors.Matrix<double>(9, 9);
        Blas.Syrk(1.0 / 50, keys.View.Transposed, 0.0, cov.View);
        var memit = new MemitEditor<double>(w0.View, cov.View, 15.0);
        var k = TestData.Gaussian(rng, 3, 9);
        var v = TestData.Gaussian(rng, 3, 4);
        memit.Step(k.View, v.View);
        var mk = TestData.ToMathNet(k);
        var mkeys = TestData.ToMathNet(keys);
        var covFull = mkeys.TransposeThisAndMultiply(mkeys) / 50;
        var w = TestData.ToMathNet(w0);
        var expected = w + (covFull * 15.0 + mk.TransposeThisAndMultiply(mk)).Solve(mk.Transpose()) * (TestData.ToMathNet(v) - mk * w);
        Assert.True(TestData.RelativeError(TestData.ToMathNet(memit.Weight), expected) < 1e-12);
    }

    [Fact]
    public void Unconstrained_fine_tuning_converges_to_the_minimum_norm_batch_fit()
    {
        var rng = new Random(41);
        var w0 = TestData.Gaussian(rng, 8, 3);
        var k = TestData.Gaussian(rng, 3, 8);
        var v = TestData.Gaussian(rng, 3, 3);
        var mk = TestData.ToMathNet(k);
        double lmax = mk.TransposeThisAndMultiply(mk).Evd(Symmetricity.Symmetric).EigenValues.Max(z => z.Real);
        var ft = new FineTuneEditor<double>(w0.View, learningRate: 3 / (2 * lmax), iterations: 4000);
        var report = ft.Step(k.View, v.View);
        var w = TestData.ToMathNet(w0);
        var expected = w + mk.PseudoInverse() * (TestData.ToMathNet(v) - mk * w);
        Assert.True(TestData.RelativeError(TestData.ToMathNet(ft.Weight), expected) < 1e-9);
        Assert.True(report.ResidualAfter < 1e-8 * report.ResidualBefore);
    }

    [Theory]
    [InlineData(FineTuneConstraint.MaxAbs, 0.05)]
    [InlineData(FineTuneConstraint.Frobenius, 0.3)]
    public void Constrained_fine_tuning_stays_in_the_constraint_set_and_lowers_the_batch_loss(FineTuneConstraint constraint, double radius)
    {
        var rng = new Random(43);
        var w0 = TestData.Gaussian(rng, 8, 3);
        var ft = new FineTuneEditor<double>(w0.View, learningRate: 0.05, iterations: 25, constraint, radius);
        for (int t = 0; t < 6; t++)
        {
            var k = TestData.Gaussian(rng, 2, 8);
            var v = TestData.Gaussian(rng, 2, 3, scale: 5);
            var report = ft.Step(k.View, v.View);
            Assert.True(report.ResidualAfter < report.ResidualBefore);
            var delta = TestData.ToMathNet(ft.Weight) - TestData.ToMathNet(w0);
            double size = constraint == FineTuneConstraint.MaxAbs ? delta.Enumerate().Max(Math.Abs) : delta.FrobeniusNorm();
            Assert.True(size <= radius * (1 + 1e-12), $"step {t}: {size} > {radius}");
        }
    }

    [Fact]
    public void Alpha_edit_solves_the_reference_system_and_leaves_the_protected_keys_untouched()
    {
        var rng = new Random(47);
        int dk = 10, dv = 3;
        var w0 = TestData.Gaussian(rng, dk, dv);
        var k0 = TestData.Gaussian(rng, 6, dk);                                   // rank 6: a 4-dimensional null space
        var cov = new RlsEdit.Tensors.Matrix<double>(dk, dk);
        Blas.Syrk(1.0 / 6, k0.View.Transposed, 0.0, cov.View);
        var editor = new AlphaEditEditor<double>(w0.View, cov.View, new NullSpaceThreshold(NullSpaceThresholdKind.Absolute, 1e-8), l2: 2.0);
        Assert.Equal(4, editor.NullSpaceDimension);
        var p = TestData.ToMathNet(editor.Projector);
        Assert.True((p * p - p).FrobeniusNorm() < 1e-12);
        Assert.True((TestData.ToMathNet(k0) * p).FrobeniusNorm() < 1e-12 * TestData.ToMathNet(k0).FrobeniusNorm());

        var cache = MM.Build.Dense(dk, dk);
        for (int t = 0; t < 4; t++)
        {
            var k = TestData.Gaussian(rng, 2, dk);
            var v = TestData.Gaussian(rng, 2, dv);
            var w = TestData.ToMathNet(editor.Weight);
            editor.Step(k.View, v.View);
            var mk = TestData.ToMathNet(k);
            var m = mk.TransposeThisAndMultiply(mk) + cache;
            // The reference code's (non-symmetric) system, solved by LU.
            var expected = (p * m + MM.Build.DenseIdentity(dk) * 2.0).Solve(p * mk.Transpose() * (TestData.ToMathNet(v) - mk * w));
            var delta = TestData.ToMathNet(editor.Weight) - w;
            Assert.True(TestData.RelativeError(delta, expected) < 1e-10, $"step {t}");
            cache = m;
        }
        var drift = TestData.ToMathNet(k0) * (TestData.ToMathNet(editor.Weight) - TestData.ToMathNet(w0));
        Assert.True(drift.FrobeniusNorm() < 1e-12 * (TestData.ToMathNet(editor.Weight) - TestData.ToMathNet(w0)).FrobeniusNorm() * 100);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    [InlineData(0.2)]
    [InlineData(1.0)]
    public void Relative_energy_threshold_frees_the_smallest_directions_up_to_the_energy_fraction(double fraction)
    {
        var rng = new Random(53);
        var a = TestData.Gaussian(rng, 12, 12);
        var cov = new RlsEdit.Tensors.Matrix<double>(12, 12);
        Blas.Syrk(1.0, a.View, 0.0, cov.View);
        var p = AlphaEditEditor<double>.NullSpaceProjector(cov.View, new NullSpaceThreshold(NullSpaceThresholdKind.RelativeEnergy, fraction), out int dim);
        var full = TestData.ToMathNet(cov);
        full = full + full.StrictlyLowerTriangle().Transpose();
        var values = full.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).OrderBy(x => x).ToArray();
        double total = values.Sum(), free = values.Take(dim).Sum();
        Assert.True(free <= fraction * total * (1 + 1e-12));
        if (dim < 12) Assert.True(free + values[dim] > fraction * total * (1 - 1e-12));
        Assert.Equal(dim, (int)Math.Round(TestData.ToMathNet(p).Trace()));
    }
}
