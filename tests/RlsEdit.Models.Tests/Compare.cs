using System.Numerics;
using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Models.Tests;

internal static class Compare
{
    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ over a row-major view and a flat reference.</summary>
    public static double RelativeError<T>(MatrixView<T> actual, IReadOnlyList<double> expected) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Count, actual.Rows * actual.Cols);
        double num = 0, den = 0;
        for (int i = 0; i < actual.Rows; i++)
            for (int j = 0; j < actual.Cols; j++)
            {
                double e = expected[i * actual.Cols + j];
                double a = double.CreateChecked(actual[i, j]);
                num += (a - e) * (a - e);
                den += e * e;
            }
        return Math.Sqrt(num / den);
    }

    public static void Close<T>(MatrixView<T> actual, IReadOnlyList<double> expected, double tolerance, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double err = RelativeError(actual, expected);
        Assert.True(err <= tolerance, $"{what}: relative error {err:E3} > {tolerance:E1}");
    }

    public static double RelativeError(double[] actual, double[] expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += expected[i] * expected[i];
        }
        return Math.Sqrt(num / Math.Max(den, double.Epsilon));
    }
}
