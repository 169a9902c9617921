using System.Numerics;
using Xunit;
using static RlsEdit.Tensors.Tests.DecompositionTestData;

namespace RlsEdit.Tensors.Tests;

public class SpectralEstimatesTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(7, 1e3)]
    [InlineData(30, 1e6)]
    public void With_as_many_steps_as_rows_the_estimates_are_exact(int n, double condition)
    {
        var a = WithSpectrum(GeometricSpectrum(n, condition), new Random(n));
        double[] exact = SymmetricEigen.Values(a.View);
        double tol = 4 * n * DoubleEpsilon;
        Assert.Equal(exact[^1], SpectralEstimates.LambdaMax(a.View, steps: n), exact[^1] * tol);
        // Through the Cholesky factor, λ_min carries a relative error of order κ·n·ε.
        Assert.Equal(exact[0], SpectralEstimates.LambdaMin(a.View, steps: n), exact[0] * tol * condition);
        Assert.Equal(exact[^1] / exact[0], SpectralEstimates.Condition(a.View, steps: n), exact[^1] / exact[0] * tol * condition);
    }

    [Theory]
    [InlineData(1e2)]
    [InlineData(1e8)]
    public void Separated_extremes_converge_to_high_accuracy_in_the_default_steps(double condition)
    {
        const int n = 150;
        var a = WithSpectrum(GeometricSpectrum(n, condition), new Random(17));
        double lambdaMin = 1 / condition;
        Assert.Equal(1.0, SpectralEstimates.LambdaMax(a.View), 1e-10);
        Assert.True(Math.Abs(SpectralEstimates.LambdaMin(a.View) / lambdaMin - 1) <= 1e-8);
        Assert.True(Math.Abs(SpectralEstimates.Condition(a.View) / condition - 1) <= 1e-8);
    }

    [Fact]
    public void A_dense_uniform_spectrum_is_bracketed_within_the_stated_fraction_of_its_spread()
    {
        const int n = 200;
        double[] lambda = Enumerable.Range(0, n).Select(i => 1 + (double)i / (n - 1)).ToArray();
        var a = WithSpectrum(lambda, new Random(23));
        double max = SpectralEstimates.LambdaMax(a.View), min = SpectralEstimates.LambdaMin(a.View);
        // Ritz values lie inside the spectrum ...
        Assert.InRange(max, 1.0, 2.0 * (1 + 1e-13));
        Assert.InRange(min, 1.0 * (1 - 1e-13), 2.0);
        // ... and after 40 steps sit within a few percent of the spread (1.0) from the ends.
        Assert.True(2.0 - max <= 0.05, $"λ_max estimate {max}");
        Assert.True(min - 1.0 <= 0.05, $"λ_min estimate {min}");
    }

    [Fact]
    public void Regularized_gram_matrices_like_rls_covariances_meet_the_documented_bound()
    {
        // K·Kᵀ/m + λI: a Marchenko–Pastur bulk with soft edges, the shape of an RLS covariance.
        const int n = 120, m = 300, steps = SpectralEstimates.DefaultSteps;
        var k = Gaussian(n, m, new Random(29));
        var a = new Matrix<double>(n, n);
        Blas.Gemm(1.0 / m, k.View, k.View.Transposed, 0.0, a.View);
        for (int i = 0; i < n; i++) a[i, i] += 1e-3;
        double[] exact = SymmetricEigen.Values(a.View);
        double spread = exact[^1] - exact[0];
        double bound = 0.103 * Math.Pow(Math.Log(n * Math.Pow(steps - 1, 4)) / (steps - 1), 2) * spread;
        double max = SpectralEstimates.LambdaMax(a.View), min = SpectralEstimates.LambdaMin(a.View);
        Assert.InRange(exact[^1] - max, -1e-12 * exact[^1], bound);
        Assert.InRange(min - exact[0], -1e-12 * exact[^1], bound);
        Assert.InRange(SpectralEstimates.Condition(a.View), exact[^1] / exact[0] * 0.99, exact[^1] / exact[0] * (1 + 1e-10));
    }

    [Fact]
    public void Repeated_extreme_eigenvalues_and_float_precision()
    {
        double[] lambda = [5, 5, 5, 3, 2, 0.5, 0.5, 0.5, 1, 4];
        var a = WithSpectrum(lambda, new Random(4));
        Assert.Equal(5.0, SpectralEstimates.LambdaMax(a.View), 1e-12);
        Assert.Equal(0.5, SpectralEstimates.LambdaMin(a.View), 1e-12);

        var f = ToSingle(a);
        Assert.Equal(5f, SpectralEstimates.LambdaMax(f.View), 5 * 20 * SingleEpsilon);
        Assert.Equal(0.5f, SpectralEstimates.LambdaMin(f.View), 0.5f * 10 * 20 * SingleEpsilon);
        Assert.Equal(10f, SpectralEstimates.Condition(f.View), 10f * 10 * 20 * SingleEpsilon);
    }

    [Fact]
    public void LambdaMax_works_for_indefinite_matrices_and_reads_only_the_lower_triangle()
    {
        double[] lambda = [-3, -1, 0, 2, 2.5];
        var a = WithSpectrum(lambda, new Random(9));
        for (int i = 0; i < 5; i++)
            for (int j = i + 1; j < 5; j++) a[i, j] = double.NaN;
        Assert.Equal(2.5, SpectralEstimates.LambdaMax(a.View), 1e-13);
    }

    [Fact]
    public void Strided_and_transposed_views_give_the_same_estimates()
    {
        var a = WithSpectrum([9, 4, 3, 2, 1.5, 1, 0.75], new Random(21));
        var big = new Matrix<double>(12, 12);
        var block = big.View.Slice(2, 3, 7, 7);
        a.View.CopyTo(block);
        Assert.Equal(9.0, SpectralEstimates.LambdaMax(block), 1e-13);
        Assert.Equal(9.0, SpectralEstimates.LambdaMax(block.Transposed), 1e-13);
        Assert.Equal(0.75, SpectralEstimates.LambdaMin(block.Transposed), 1e-13);
    }

    [Fact]
    public void Bad_input_is_rejected_with_typed_errors()
    {
        var indefinite = WithSpectrum([2, 1, -0.5], new Random(2));
        Assert.Throws<NotPositiveDefiniteException>(() => SpectralEstimates.LambdaMin(indefinite.View));
        Assert.Throws<NotPositiveDefiniteException>(() => SpectralEstimates.Condition(indefinite.View));
        Assert.Throws<ShapeMismatchException>(() => SpectralEstimates.LambdaMax(new Matrix<double>(0, 0).View));
        Assert.Throws<ShapeMismatchException>(() => SpectralEstimates.LambdaMax(new Matrix<double>(2, 3).View));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpectralEstimates.LambdaMax(Matrix<double>.Identity(2).View, steps: 0));
        Assert.Equal(0.0, SpectralEstimates.LambdaMax(new Matrix<double>(3, 3).View));
        Assert.Throws<NotPositiveDefiniteException>(() => SpectralEstimates.LambdaMin(new Matrix<double>(3, 3).View));
        var nan = Matrix<double>.Identity(3);
        nan[2, 0] = double.NaN;
        Assert.Throws<NonFiniteValueException>(() => SpectralEstimates.LambdaMax(nan.View));
    }

    [Theory]
    [InlineData(1e-200)]
    [InlineData(1e200)]
    public void Extreme_scales_neither_overflow_nor_underflow(double scale)
    {
        var a = WithSpectrum([4, 3, 2, 1, 0.5, 0.25], new Random(13));
        var scaled = new Matrix<double>(6, 6, a.Data.Select(x => x * scale).ToArray());
        Assert.Equal(4.0, SpectralEstimates.LambdaMax(scaled.View) / scale, 1e-13);
        Assert.Equal(0.25, SpectralEstimates.LambdaMin(scaled.View) / scale, 1e-13);
        Assert.Equal(16.0, SpectralEstimates.Condition(scaled.View), 1e-11);
    }

    [Fact]
    public void The_input_is_not_modified()
    {
        var a = WithSpectrum(GeometricSpectrum(12, 1e4), new Random(31));
        var before = (double[])a.Data.Clone();
        SpectralEstimates.Condition(a.View);
        Assert.Equal(before, a.Data);
    }
}
