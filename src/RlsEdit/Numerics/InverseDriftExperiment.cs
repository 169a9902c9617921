using System.Numerics;
using RlsEdit.Tensors;
using RlsEdit.Theory;

namespace RlsEdit.Numerics;

/// <summary>One measurement of <see cref="InverseDriftExperiment"/>.</summary>
/// <param name="Step">t, the number of rank-1 updates so far.</param>
/// <param name="RelativeError">‖C_t − H_t⁻¹‖_F / ‖H_t⁻¹‖_F for the engine's C_t (lower-triangle Woodbury), H_t⁻¹ from float64 sums.</param>
/// <param name="MinDiagonal">min_i C_t[i, i] of the engine's C_t.</param>
/// <param name="FullStorageRelativeError">The same error for a full-storage update C −= G·Gᵀ as the reference code does it.</param>
/// <param name="FullStorageSymmetryDrift">max|C − Cᵀ| / max|C| of that full-storage C (the engine's is symmetric by construction).</param>
public sealed record DriftCheckpoint(int Step, double RelativeError, double MinDiagonal, double FullStorageRelativeError, double FullStorageSymmetryDrift);

/// <summary>
/// Measures how far the recursively updated C_t drifts from H_t⁻¹ over a long stream of rank-1 edits: the engine's
/// lower-triangle Woodbury update in precision T, beside the reference code's full-storage update (F = CKᵀ, G = F/√S,
/// C −= GGᵀ on the whole matrix) in the same precision, both against H_t⁻¹ computed in float64 from the exact sums.
/// </summary>
public static class InverseDriftExperiment
{
    /// <summary>
    /// Runs <paramref name="steps"/> rank-1 updates with keys from a <see cref="SyntheticStream"/> whose covariance has condition
    /// number <paramref name="keyCondition"/>, starting from C₀ = I/α, and measures at <paramref name="checkpoints"/> evenly
    /// spaced steps (each measurement costs O(d³)).
    /// </summary>
    public static IReadOnlyList<DriftCheckpoint> Run<T>(int keyDim, int steps, int checkpoints, double alpha, double keyCondition, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (steps < 1 || checkpoints < 1 || !(alpha > 0))
            throw new ArgumentOutOfRangeException(nameof(steps), $"InverseDriftExperiment: need steps ≥ 1, checkpoints ≥ 1, α > 0 (got {steps}, {checkpoints}, {alpha}).");
        var stream = new SyntheticStream(keyDim, 1, 0, seed, keyCondition);
        var editor = new RlsEditor<T>(new Matrix<T>(keyDim, 1).View, new RlsHyperParameters(alpha, 0));
        var exact = new NormalEquations<double>(new Matrix<double>(keyDim, 1).View, new RlsHyperParameters(alpha, 0), null);
        var full = Matrix<T>.Identity(keyDim);
        T c0 = T.One / T.CreateChecked(alpha);
        for (int i = 0; i < keyDim; i++) full[i, i] = c0;
        var key = new Matrix<T>(1, keyDim);
        var value = new Matrix<T>(1, 1);
        var f = new Matrix<T>(keyDim, 1);
        var s = new Matrix<T>(1, 1);
        var results = new List<DriftCheckpoint>(checkpoints);
        int every = Math.Max(1, steps / checkpoints);
        for (int t = 1; t <= steps; t++)
        {
            var (k, _) = stream.Next(1);
            for (int j = 0; j < keyDim; j++) key[0, j] = T.CreateTruncating(k[0, j]);
            editor.Step(key.View, value.View);
            exact.Add(k.View, new Matrix<double>(1, 1).View);

            Blas.Gemm(T.One, full.View, key.View.Transposed, T.Zero, f.View);         // F = C·kᵀ
            Blas.Gemm(T.One, key.View, f.View, T.Zero, s.View);                       // S = 1 + k·F
            T scale = T.One / T.Sqrt(T.One + s[0, 0]);
            for (int i = 0; i < keyDim; i++) f[i, 0] *= scale;                        // G = F/√S
            Blas.Gemm(-T.One, f.View, f.View.Transposed, T.One, full.View);           // C −= G·Gᵀ (both triangles)

            if (t % every == 0 || t == steps)
            {
                if (results.Count == checkpoints) results.RemoveAt(results.Count - 1);
                results.Add(Measure(t, editor, exact, full));
            }
        }
        return results;
    }

    private static DriftCheckpoint Measure<T>(int step, RlsEditor<T> editor, NormalEquations<double> exact, Matrix<T> full)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var reference = exact.Inverse();
        double refNorm = Norms.Frobenius(reference.View);
        double Error(Matrix<T> c)
        {
            double sum = 0;
            for (int i = 0; i < c.Data.Length; i++)
            {
                double d = double.CreateTruncating(c.Data[i]) - reference.Data[i];
                sum += d * d;
            }
            return Math.Sqrt(sum) / refNorm;
        }
        var c = editor.Covariance();
        double minDiag = double.PositiveInfinity, asym = 0, maxAbs = 0;
        for (int i = 0; i < c.Rows; i++)
        {
            minDiag = Math.Min(minDiag, double.CreateTruncating(c[i, i]));
            for (int j = 0; j < c.Cols; j++)
            {
                asym = Math.Max(asym, Math.Abs(double.CreateTruncating(full[i, j] - full[j, i])));
                maxAbs = Math.Max(maxAbs, Math.Abs(double.CreateTruncating(full[i, j])));
            }
        }
        return new DriftCheckpoint(step, Error(c), minDiag, Error(full), maxAbs == 0 ? 0 : asym / maxAbs);
    }
}
