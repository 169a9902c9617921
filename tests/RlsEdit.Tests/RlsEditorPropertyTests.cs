using FsCheck.Xunit;
using RlsEdit.Tensors;
using Xunit;
using MM = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace RlsEdit.Tests;

public class RlsEditorPropertyTests
{
    private const double Eps = 2.220446049250313e-16;

    // Backward-stable solves give a relative forward error of order cond(H)·ε; the constant covers the sizes used here.
    private static double Tolerance(MM h) => 200.0 * (h.RowCount + 10) * h.ConditionNumber() * Eps;

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 60)]
    public void Recursive_weight_equals_the_stacked_least_squares_solution_after_every_step(StreamCase c)
    {
        var p = c.Build();
        var editor = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor);
        var factored = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor, new RlsEditorOptions { Form = CovarianceForm.CholeskyFactor });
        for (int t = 1; t <= p.Batches.Count; t++)
        {
            editor.Step(p.Batches[t - 1].K.View, p.Batches[t - 1].V.View);
            factored.Step(p.Batches[t - 1].K.View, p.Batches[t - 1].V.View);
            var expected = TestData.StackedLeastSquares(p, t);
            double tolerance = Tolerance(TestData.Information(p, t)) * TestData.WeightErrorScale(p, t);
            double err = (TestData.ToMathNet(editor.Weight) - expected).FrobeniusNorm();
            Assert.True(err <= tolerance, $"step {t}: error {err:E3} > {tolerance:E3} ({c})");
            double errFactored = (TestData.ToMathNet(factored.Weight) - expected).FrobeniusNorm();
            Assert.True(errFactored <= tolerance, $"step {t}: Cholesky-factor form, error {errFactored:E3} > {tolerance:E3} ({c})");
        }
        var h = TestData.Information(p, p.Batches.Count);
        Assert.True(TestData.RelativeError(TestData.ToMathNet(factored.Covariance()), h.Inverse()) <= Tolerance(h));
    }

    [Fact]
    public void One_dimensional_stream_whose_right_hand_side_cancels_stays_within_the_error_bound() =>
        // Found by FsCheck: B_t nearly cancels, so ‖W_t*‖ is much smaller than the terms it is computed from.
        Recursive_weight_equals_the_stacked_least_squares_solution_after_every_step(
            new StreamCase(1, 1, [12, 19, 8, 3, 20], 0.05, 0.1, HasAnchor: false, ExplicitValues: false, Seed: 1538765810));

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 30)]
    public void Recursive_weight_equals_the_core_qr_least_squares_solution(StreamCase c)
    {
        var p = c.Build();
        var editor = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor);
        foreach (var (k, v) in p.Batches) editor.Step(k.View, v.View);
        var (a, y) = TestData.Stacked(p, p.Batches.Count);
        var qr = LeastSquares.Solve(Matrix<double>.FromArray(a.ToArray()).View, Matrix<double>.FromArray(y.ToArray()).View);
        double err = (TestData.ToMathNet(editor.Weight) - TestData.ToMathNet(qr)).FrobeniusNorm();
        double tolerance = Tolerance(TestData.Information(p, p.Batches.Count)) * TestData.WeightErrorScale(p, p.Batches.Count);
        Assert.True(err <= tolerance, $"error {err:E3} > {tolerance:E3} ({c})");
    }

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 60)]
    public void Recursive_covariance_equals_the_inverse_information_matrix(StreamCase c)
    {
        var p = c.Build();
        var editor = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor);
        foreach (var (k, v) in p.Batches) editor.Step(k.View, v.View);
        var h = TestData.Information(p, p.Batches.Count);
        double err = TestData.RelativeError(TestData.ToMathNet(editor.Covariance()), h.Inverse());
        Assert.True(err <= Tolerance(h), $"relative error {err:E3} ({c})");
    }

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 40)]
    public void Final_weight_does_not_depend_on_the_order_of_the_steps(StreamCase c)
    {
        var p = c.Build();
        var forward = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor);
        foreach (var (k, v) in p.Batches) forward.Step(k.View, v.View);
        var shuffled = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor);
        foreach (var (k, v) in p.Batches.AsEnumerable().Reverse()) shuffled.Step(k.View, v.View);
        double err = (TestData.ToMathNet(shuffled.Weight) - TestData.ToMathNet(forward.Weight)).FrobeniusNorm();
        double tolerance = Tolerance(TestData.Information(p, p.Batches.Count)) * TestData.WeightErrorScale(p, p.Batches.Count);
        Assert.True(err <= tolerance, $"error {err:E3} > {tolerance:E3} ({c})");
    }

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 40)]
    public void Recompute_mode_gives_the_same_weights_as_the_recursion(StreamCase c)
    {
        var p = c.Build();
        var recursive = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor);
        var recompute = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor, new RlsEditorOptions { Mode = EditMode.Recompute });
        foreach (var (k, v) in p.Batches)
        {
            var a = recursive.Step(k.View, v.View);
            var b = recompute.Step(k.View, v.View);
            Assert.Equal(a.ResidualAfter, b.ResidualAfter, 1e-6 * (1 + a.ResidualBefore));
        }
        double err = (TestData.ToMathNet(recompute.Weight) - TestData.ToMathNet(recursive.Weight)).FrobeniusNorm();
        double tolerance = Tolerance(TestData.Information(p, p.Batches.Count)) * TestData.WeightErrorScale(p, p.Batches.Count);
        Assert.True(err <= tolerance, $"error {err:E3} > {tolerance:E3} ({c})");
    }

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 40)]
    public void Reset_mode_applies_the_memit_formula_with_the_anchor_information_each_batch(StreamCase c)
    {
        var p = c.Build();
        var form = c.Seed % 2 == 0 ? CovarianceForm.Inverse : CovarianceForm.CholeskyFactor;
        var editor = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor, new RlsEditorOptions { Mode = EditMode.Reset, Form = form });
        var h0 = TestData.Information(p, 0);
        var w = TestData.ToMathNet(editor.Weight);
        foreach (var (k, v) in p.Batches)
        {
            editor.Step(k.View, v.View);
            var mk = TestData.ToMathNet(k);
            // MEMIT: ΔW = (H₀ + KᵀK)⁻¹Kᵀ(V − KW), with only the current batch in the data term.
            w += (h0 + mk.TransposeThisAndMultiply(mk)).Solve(mk.TransposeThisAndMultiply(TestData.ToMathNet(v) - mk * w));
        }
        double err = TestData.RelativeError(TestData.ToMathNet(editor.Weight), w);
        Assert.True(err <= Tolerance(h0) * p.Batches.Count, $"relative error {err:E3} ({c})");
    }

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 40)]
    public void Whitened_innovation_squared_is_the_increase_of_the_minimal_objective(StreamCase c)
    {
        var p = c.Build();
        var editor = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor);
        double previous = Objective(p, 0, TestData.ToMathNet(editor.Weight));
        for (int t = 1; t <= p.Batches.Count; t++)
        {
            var report = editor.Step(p.Batches[t - 1].K.View, p.Batches[t - 1].V.View);
            double current = Objective(p, t, TestData.ToMathNet(editor.Weight));
            Assert.Equal(current - previous, report.InnovationNorm * report.InnovationNorm, 1e-8 * (1 + current));
            Assert.True(report.ResidualAfter <= report.ResidualBefore * (1 + 1e-12), $"step {t}: the residual on the step's own keys grew ({c})");
            previous = current;
        }
    }

    [Property(Arbitrary = [typeof(StreamArbitraries)], MaxTest = 40)]
    public void Bounds_B1_to_B3_are_never_violated(StreamCase c)
    {
        var p = c.Build();
        var editor = new RlsEditor<double>(p.W0.View, p.Hyper, p.Anchor, new RlsEditorOptions { TrackBounds = true });
        foreach (var (k, v) in p.Batches)
        {
            var report = editor.Step(k.View, v.View);
            Assert.Contains(report.Bounds, b => b.Name == "B2");
            Assert.Contains(report.Bounds, b => b.Name == "B3");
            Assert.Equal(p.Hyper.Alpha > 0, report.Bounds.Any(b => b.Name == "B1"));
            foreach (var b in report.Bounds)
                Assert.True(b.Holds(1e-9), $"step {report.Step}: {b.Name} value {b.Value} > bound {b.Bound} ({c})");
        }
    }

    private static double Objective(Problem p, int steps, MM w)
    {
        var (a, y) = TestData.Stacked(p, steps);
        double r = (a * w - y).FrobeniusNorm();
        return r * r;
    }
}
