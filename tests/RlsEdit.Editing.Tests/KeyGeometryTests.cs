using RlsEdit.Editing;
using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Editing.Tests;

public class KeyGeometryTests
{
    [Fact]
    public void OrthonormalSubjectPartsAroundASharedKeyGiveTheClosedForm()
    {
        // Keys m + eᵢ (i < n) with m ⟂ eᵢ under E = I: shared part |m̄|² of |m|² + 1 … the centred parts eᵢ − ē have
        // norm² (n − 1)/n, cosines −1/(n − 1) and span n − 1 equal directions.
        const int n = 4, dk = 7;
        var keys = new Matrix<double>(n, dk);
        for (int i = 0; i < n; i++) { keys[i, i] = 1; keys[i, dk - 1] = 2; }
        var g = KeyGeometry.Measure(3, keys.View, Matrix<double>.Identity(dk).View);
        const double tolerance = 1e-5;     // the 1e-6 relative jitter on E = I
        Assert.Equal(3, g.Layer);
        Assert.Equal(n, g.Keys);
        Assert.Equal(dk, g.KeyDimension);
        Assert.Equal(5.0, g.WhitenedNormSquared, tolerance);
        Assert.Equal((4.0 + 1.0 / n) / 5.0, g.SharedFraction, tolerance);
        Assert.Equal((n - 1.0) / n, g.CenteredNormSquared, tolerance);
        Assert.Equal(1.0 / (n - 1), g.CenteredCosineRms, tolerance);
        Assert.Equal(n - 1.0, g.CenteredEffectiveDimension, tolerance);
    }

    [Theory]
    [InlineData(9, 5, 1)]
    [InlineData(3, 11, 2)]
    [InlineData(17, 17, 3)]
    public void MatchesAnExplicitInverseOnRandomKeysAndStatistics(int n, int dk, int seed)
    {
        var random = new Random(seed);
        var keys = new Matrix<double>(n, dk);
        for (int i = 0; i < n; i++) for (int j = 0; j < dk; j++) keys[i, j] = random.NextDouble() * 2 - 1 + 0.5;
        // E = AAᵀ/dk + I·0.1, passed as a strided view (every other column of a wider buffer).
        var a = new double[dk, dk];
        for (int i = 0; i < dk; i++) for (int j = 0; j < dk; j++) a[i, j] = random.NextDouble() - 0.5;
        var wide = new Matrix<double>(dk, 2 * dk);
        var moment = new double[dk, dk];
        for (int i = 0; i < dk; i++)
            for (int j = 0; j < dk; j++)
            {
                double s = i == j ? 0.1 : 0;
                for (int p = 0; p < dk; p++) s += a[i, p] * a[j, p] / dk;
                moment[i, j] = s;
                wide[i, 2 * j] = s;
            }
        var strided = new MatrixView<double>(wide.Data, 0, dk, dk, 2 * dk, 2);
        var g = KeyGeometry.Measure(0, keys.View, strided);

        // Oracle: Gauss–Jordan inverse of the same jittered matrix, then every statistic by its definition.
        double meanDiagonal = 0;
        for (int i = 0; i < dk; i++) meanDiagonal += moment[i, i] / dk;
        for (int i = 0; i < dk; i++) moment[i, i] += 1e-6 * meanDiagonal;
        var inverse = Invert(moment);
        var mean = new double[dk];
        for (int i = 0; i < n; i++) for (int j = 0; j < dk; j++) mean[j] += keys[i, j] / n;
        double Quadratic(double[] x, double[] y)
        {
            double s = 0;
            for (int p = 0; p < dk; p++) for (int q = 0; q < dk; q++) s += x[p] * inverse[p, q] * y[q];
            return s;
        }
        double[] Row(int i) => Enumerable.Range(0, dk).Select(j => keys[i, j]).ToArray();
        double[] Centred(int i) => Enumerable.Range(0, dk).Select(j => keys[i, j] - mean[j]).ToArray();
        double norm = Enumerable.Range(0, n).Average(i => Quadratic(Row(i), Row(i)));
        var c = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) c[i, j] = Quadratic(Centred(i), Centred(j));
        double trace = 0, f2 = 0, cos2 = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                f2 += c[i, j] * c[i, j];
                if (i == j) trace += c[i, i]; else cos2 += c[i, j] * c[i, j] / (c[i, i] * c[j, j]);
            }
        const double tolerance = 1e-9;
        Assert.Equal(norm, g.WhitenedNormSquared, tolerance * norm);
        Assert.Equal(Quadratic(mean, mean) / norm, g.SharedFraction, tolerance);
        Assert.Equal(trace / n, g.CenteredNormSquared, tolerance * norm);
        Assert.Equal(Math.Sqrt(cos2 / (n * (n - 1.0))), g.CenteredCosineRms, tolerance);
        Assert.Equal(trace * trace / f2, g.CenteredEffectiveDimension, tolerance * n);
    }

    [Fact]
    public void BadShapesAndValuesAreRefused()
    {
        var keys = new Matrix<double>(3, 4);
        Assert.Throws<ShapeMismatchException>(() => KeyGeometry.Measure(0, keys.View, Matrix<double>.Identity(5).View));
        Assert.Throws<ShapeMismatchException>(() => KeyGeometry.Measure(0, new Matrix<double>(1, 4).View, Matrix<double>.Identity(4).View));
        keys[1, 2] = double.NaN;
        Assert.Throws<NonFiniteValueException>(() => KeyGeometry.Measure(0, keys.View, Matrix<double>.Identity(4).View));
        var indefinite = Matrix<double>.Identity(4);
        indefinite[2, 2] = -1;
        Assert.Throws<NotPositiveDefiniteException>(() => KeyGeometry.Measure(0, new Matrix<double>(3, 4).View, indefinite.View));
    }

    private static double[,] Invert(double[,] m)
    {
        int n = m.GetLength(0);
        var a = (double[,])m.Clone();
        var inv = new double[n, n];
        for (int i = 0; i < n; i++) inv[i, i] = 1;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (int k = 0; k < n; k++) { (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]); (inv[col, k], inv[pivot, k]) = (inv[pivot, k], inv[col, k]); }
            double d = a[col, col];
            for (int k = 0; k < n; k++) { a[col, k] /= d; inv[col, k] /= d; }
            for (int r = 0; r < n; r++)
            {
                if (r == col) continue;
                double f = a[r, col];
                for (int k = 0; k < n; k++) { a[r, k] -= f * a[col, k]; inv[r, k] -= f * inv[col, k]; }
            }
        }
        return inv;
    }
}
