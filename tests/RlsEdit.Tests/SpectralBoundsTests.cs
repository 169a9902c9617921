using MathNet.Numerics.LinearAlgebra;
using RlsEdit.Numerics;
using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Tests;

public class SpectralBoundsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(19, 4)]
    [InlineData(33, 5)]
    public void Bisection_bounds_bracket_the_extreme_eigenvalues_tightly(int n, int seed)
    {
        var rng = new Random(seed);
        var a = TestData.Gaussian(rng, n, n + 2);
        var s = new RlsEdit.Tensors.Matrix<double>(n, n);
        Blas.Syrk(1.0, a.View, 0.0, s.View);                             // lower triangle only; upper left as zeros
        for (int i = 0; i < n; i++) s[i, i] += 1e-3;
        var full = TestData.ToMathNet(s);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) full[i, j] = full[j, i];
        var eig = full.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).ToArray();
        double min = eig.Min(), max = eig.Max(), tol = 1e-10 * max;
        double lower = SpectralBounds.LambdaMinLowerBound(s.View);
        double upper = SpectralBounds.LambdaMaxUpperBound(s.View);
        Assert.InRange(lower, min - tol, min + 1e-13 * max);
        Assert.InRange(upper, max - 1e-13 * max, max + tol);
        Assert.InRange(SpectralBounds.LargestEigenvalueEstimate(s.View, 500), max * (1 - 1e-3), max * (1 + 1e-12));
    }

    [Fact]
    public void Indefinite_matrix_has_a_non_positive_lower_bound()
    {
        var m = RlsEdit.Tensors.Matrix<double>.FromArray(new double[,] { { 1, 0 }, { 3, 1 } });   // eigenvalues 4, −2
        double lower = SpectralBounds.LambdaMinLowerBound(m.View);
        Assert.InRange(lower, -2 - 1e-9, -2 + 1e-12);
        Assert.InRange(SpectralBounds.LambdaMaxUpperBound(m.View), 4 - 1e-12, 4 + 1e-9);
    }
}
