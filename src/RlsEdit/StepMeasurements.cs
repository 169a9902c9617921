using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit;

/// <summary>Argument checks and residual measurements shared by every key/value editor.</summary>
internal static class StepMeasurements
{
    /// <summary>Requires K (u×d_k) and V (u×d_v) to match the weight and each other, and to be finite.</summary>
    public static void ValidateBatch<T>(MatrixView<T> keys, MatrixView<T> values, int keyDim, int valueDim, string operation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (keys.Cols != keyDim)
            throw new ShapeMismatchException(operation, "K", $"u×{keyDim} (d_k = rows of W)", $"{keys.Rows}×{keys.Cols}");
        if (values.Rows != keys.Rows || values.Cols != valueDim)
            throw new ShapeMismatchException(operation, "V", $"{keys.Rows}×{valueDim} (one row per key row, d_v = columns of W)", $"{values.Rows}×{values.Cols}");
        Guard.Finite(keys, operation, "K");
        Guard.Finite(values, operation, "V");
    }

    /// <summary>E = V − K·W (u×d_v).</summary>
    public static Matrix<T> Innovation<T>(MatrixView<T> keys, MatrixView<T> values, MatrixView<T> weight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = values.ToMatrix();
        Blas.Gemm(-T.One, keys, weight, T.One, e.View);
        return e;
    }

    /// <summary>
    /// The report fields that depend on the weight after the step: ‖K W_t − V‖_F and the whitened innovation
    /// sqrt(⟨E, V − K W_t⟩), which equals ‖S^{−1/2}E‖_F because V − K W_t = S⁻¹E for a Woodbury/normal-equation step.
    /// </summary>
    public static (double ResidualAfter, double Whitened) After<T>(MatrixView<T> keys, MatrixView<T> values, MatrixView<T> weight, MatrixView<T> innovation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = Innovation(keys, values, weight);
        double inner = 0;
        for (int i = 0; i < r.Rows; i++)
            for (int j = 0; j < r.Cols; j++) inner += double.CreateTruncating(r[i, j]) * double.CreateTruncating(innovation[i, j]);
        return (double.CreateTruncating(Norms.Frobenius(r.View)), Math.Sqrt(Math.Max(0, inner)));
    }
}
