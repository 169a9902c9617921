using System.Numerics;
using Xunit;
using static RlsEdit.Tensors.Tests.CholeskyTestMatrices;

namespace RlsEdit.Tensors.Tests;

public class JitterTests
{
    private static void AssertFactors<T>(JitteredCholesky<T> result, double[,] symmetric, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = symmetric.GetLength(0);
        var l = ToDouble(result.Factor.View);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) Assert.Equal(0.0, l[i, j]);
        var target = (double[,])symmetric.Clone();
        for (int i = 0; i < n; i++) target[i, i] += double.CreateTruncating(result.Jitter);
        Assert.True(RelativeDistance(Multiply(l, Transpose(l)), target) <= tolerance);
    }

    [Fact]
    public void Positive_definite_input_needs_no_jitter_and_is_not_modified()
    {
        var rng = new Random(1);
        var (a, _) = Spd(45, 100, rng);
        var view = Place<double>(a, ViewLayout.Strided, rng);
        var before = ToDouble(view);

        var result = Cholesky.FactorWithJitter(view, JitterPolicy.Default);

        Assert.Equal(0.0, result.Jitter);
        Assert.Equal(1, result.Attempts);
        Assert.False(result.UsedJitter);
        Assert.Equal(before, ToDouble(view));
        AssertFactors(result, a, 1e-13);
    }

    [Theory]
    [InlineData(60, 30)]
    [InlineData(33, 1)]
    public void Singular_input_gets_the_smallest_scheduled_jitter_that_works_and_reports_it(int n, int rank)
    {
        var rng = new Random(n);
        var g = Random(n, rank, rng);
        var a = Multiply(g, Transpose(g));   // PSD, rank-deficient: exactly singular
        var view = Place<float>(a, ViewLayout.Dense, rng);
        var rounded = ToDouble(view);
        double meanDiag = Enumerable.Range(0, n).Average(i => Math.Abs(rounded[i, i]));

        var result = Cholesky.FactorWithJitter(view, new JitterPolicy(1e-6, 10, 6));

        Assert.True(result.UsedJitter);
        Assert.InRange(result.Attempts, 2, 7);
        // The reported jitter is exactly the schedule's value for the successful try…
        Assert.Equal(1e-6 * Math.Pow(10, result.Attempts - 2) * meanDiag, double.CreateTruncating(result.Jitter), 1e-6 * meanDiag * 1e-3);
        // …the one before it must have failed on a fresh copy, and the factor is of sym(A) + δI.
        Assert.Equal(rounded, ToDouble(view));
        AssertFactors(result, rounded, 1e-5);
    }

    [Fact]
    public void Symmetrize_factors_the_average_of_A_and_its_transpose()
    {
        var rng = new Random(2);
        var (s, _) = Spd(20, 10, rng);
        var skew = Random(20, 20, rng, 0.01);
        var a = Add(s, Add(skew, Transpose(skew), -1));   // s + (skew − skewᵀ): not symmetric, sym part = s
        var result = Cholesky.FactorWithJitter(Place<double>(a, ViewLayout.Transposed, rng), JitterPolicy.Default);
        Assert.Equal(0.0, result.Jitter);
        AssertFactors(result, s, 1e-13);
    }

    [Fact]
    public void Exhausted_policy_throws_a_typed_error_listing_every_try_and_leaves_the_input_alone()
    {
        var a = Matrix<double>.Identity(8);
        a[5, 5] = -1;   // indefinite: no small jitter can fix it
        var before = a.Clone();

        var e = Assert.Throws<JitterExhaustedException>(() => Cholesky.FactorWithJitter(a.View, new JitterPolicy(1e-6, 10, 3)));

        Assert.Equal(4, e.JittersTried.Count);
        Assert.Equal(0.0, e.JittersTried[0]);
        double meanDiag = 8.0 / 8;
        for (int t = 1; t < 4; t++) Assert.Equal(1e-6 * Math.Pow(10, t - 1) * meanDiag, e.JittersTried[t], 1e-15);
        Assert.Equal(5, e.LastPivotIndex);
        Assert.True(e.LastPivotValue < 0);
        Assert.Contains("4 factorizations", e.Message);
        Assert.Equal(before.Data, a.Data);
    }

    [Fact]
    public void Zero_jittered_attempts_means_plain_factorization_with_a_report()
    {
        var a = new Matrix<double>(3, 3);
        var e = Assert.Throws<JitterExhaustedException>(() => Cholesky.FactorWithJitter(a.View, new JitterPolicy(maxJitteredAttempts: 0)));
        Assert.Equal(new[] { 0.0 }, e.JittersTried);
        Assert.Equal(0, e.LastPivotIndex);
    }

    [Fact]
    public void Non_finite_input_is_rejected_before_any_try()
    {
        var a = Matrix<double>.Identity(4);
        a[0, 3] = double.NaN;   // upper triangle: read because the policy symmetrizes
        var e = Assert.Throws<NonFiniteValueException>(() => Cholesky.FactorWithJitter(a.View, JitterPolicy.Default));
        Assert.Equal((0, 3), (e.Row, e.Col));
        // Without symmetrization only the lower triangle is read.
        var result = Cholesky.FactorWithJitter(a.View, new JitterPolicy(symmetrize: false));
        Assert.Equal(1, result.Attempts);
    }

    [Fact]
    public void Meaningless_policies_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JitterPolicy(initialRelativeJitter: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JitterPolicy(initialRelativeJitter: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JitterPolicy(growthFactor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JitterPolicy(maxJitteredAttempts: -1));
    }
}
