using System.Diagnostics;
using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Baselines;

/// <summary>
/// MEMIT's hard write on the key/value interface: each batch moves W by ΔW = (w·Cov + KᵀK)⁻¹Kᵀ(V − K W), with only the
/// current batch in the data term and the preservation statistic w·Cov fixed (MEMIT's <c>mom2_update_weight</c> times the
/// key second moment). One O(d_k³) Cholesky per batch. The reference code's residual targets R = z* − z_cur correspond
/// to V = K W + R here.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class MemitEditor<T> : IKeyValueEditor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const string Op = "MemitEditor.Step";
    private readonly Matrix<T> _weight;
    private readonly Matrix<T> _preservation;
    private readonly Matrix<T> _system;

    /// <summary>
    /// Starts at a copy of <paramref name="w0"/> (d_k×d_v); <paramref name="covariance"/> (d_k×d_k, lower triangle read) is the
    /// key second moment and <paramref name="covarianceWeight"/> the weight w in front of it.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, an entry is not finite, or w &lt; 0.</exception>
    public MemitEditor(MatrixView<T> w0, MatrixView<T> covariance, double covarianceWeight)
    {
        Guard.Finite(w0, "MemitEditor", "W0");
        Guard.Shape(covariance, w0.Rows, w0.Rows, "MemitEditor", "covariance");
        Guard.Finite(covariance, "MemitEditor", "covariance");
        if (!(covarianceWeight >= 0) || !double.IsFinite(covarianceWeight))
            throw new ArgumentOutOfRangeException(nameof(covarianceWeight), $"MemitEditor: w must be finite and ≥ 0 (got {covarianceWeight}).");
        _weight = w0.ToMatrix();
        _preservation = new Matrix<T>(w0.Rows, w0.Rows);
        T w = T.CreateChecked(covarianceWeight);
        for (int i = 0; i < w0.Rows; i++)
            for (int j = 0; j <= i; j++) _preservation[i, j] = w * covariance[i, j];
        _system = new Matrix<T>(w0.Rows, w0.Rows);
    }

    /// <inheritdoc />
    public Matrix<T> Weight => _weight;

    /// <inheritdoc />
    public int StepCount { get; private set; }

    /// <inheritdoc />
    /// <exception cref="NotPositiveDefiniteException">w·Cov + KᵀK is singular (w = 0 or Cov rank-deficient, and too few keys).</exception>
    public EditStepReport Step(MatrixView<T> keys, MatrixView<T> values)
    {
        StepMeasurements.ValidateBatch(keys, values, _weight.Rows, _weight.Cols, Op);
        var clock = Stopwatch.StartNew();
        var innovation = StepMeasurements.Innovation(keys, values, _weight.View);     // E = V − K·W       u×d_v
        var delta = new Matrix<T>(_weight.Rows, _weight.Cols);
        if (keys.Rows > 0)
        {
            SymmetricStorage.CopyLower(_preservation.View, _system.View);
            Blas.Syrk(T.One, keys.Transposed, T.One, _system.View);                    // A = w·Cov + KᵀK
            Cholesky.FactorInPlace(_system.View);
            var adjusted = keys.Transposed.ToMatrix();                                  // A⁻¹Kᵀ               d_k×u
            Cholesky.SolveInPlace(_system.View, adjusted.View);
            Blas.Gemm(T.One, adjusted.View, innovation.View, T.Zero, delta.View);       // ΔW = A⁻¹Kᵀ E
            for (int i = 0; i < delta.Data.Length; i++) _weight.Data[i] += delta.Data[i];
        }
        StepCount++;
        var elapsed = clock.Elapsed;
        var (after, whitened) = StepMeasurements.After(keys, values, _weight.View, innovation.View);
        return new EditStepReport(StepCount, keys.Rows, double.CreateTruncating(Norms.Frobenius(delta.View)),
            double.CreateTruncating(Norms.Frobenius(innovation.View)), after, whitened, elapsed, []);
    }
}
