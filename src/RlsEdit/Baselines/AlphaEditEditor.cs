using System.Diagnostics;
using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Baselines;

/// <summary>
/// AlphaEdit on the key/value interface. P = U₀U₀ᵀ projects onto the eigenvectors of the key covariance whose eigenvalues
/// fall under the <see cref="NullSpaceThreshold"/>; every batch solves the reference code's system
/// (P(KᵀK + K_pᵀK_p) + L2·I) ΔW = P Kᵀ(V − K W), where K_pᵀK_p caches the keys of all earlier batches, then adds KᵀK to the cache.
/// Because the solution satisfies ΔW = PΔW, it is computed from the equivalent SPD system (P M P + L2·I) ΔW = P Kᵀ E by
/// Cholesky (docs/math.md). ΔW lies in the null space, so K₀ΔW ≈ 0 for the protected keys. O(d_k³) per batch.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class AlphaEditEditor<T> : IKeyValueEditor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const string Op = "AlphaEditEditor.Step";
    private readonly Matrix<T> _weight;
    private readonly Matrix<T> _projector;
    private readonly Matrix<T> _cache;
    private readonly T _l2;

    /// <summary>Starts at a copy of <paramref name="w0"/> (d_k×d_v).</summary>
    /// <param name="w0">W₀.</param>
    /// <param name="covariance">Key second moment (d_k×d_k, lower triangle read) whose small eigen-directions are free to edit.</param>
    /// <param name="threshold">Which directions count as the null space.</param>
    /// <param name="l2">The L2 weight (&gt; 0; AlphaEdit uses 1–10).</param>
    /// <exception cref="ArgumentException">Shapes disagree, an entry is not finite, or a parameter is out of range.</exception>
    public AlphaEditEditor(MatrixView<T> w0, MatrixView<T> covariance, NullSpaceThreshold threshold, double l2)
    {
        Guard.Finite(w0, "AlphaEditEditor", "W0");
        Guard.Shape(covariance, w0.Rows, w0.Rows, "AlphaEditEditor", "covariance");
        if (!(l2 > 0) || !double.IsFinite(l2))
            throw new ArgumentOutOfRangeException(nameof(l2), $"AlphaEditEditor: L2 must be finite and > 0 (got {l2}).");
        if (!(threshold.Value >= 0) || (threshold.Kind == NullSpaceThresholdKind.RelativeEnergy && threshold.Value > 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), $"AlphaEditEditor: threshold {threshold.Value} is out of range for {threshold.Kind}.");
        _weight = w0.ToMatrix();
        _l2 = T.CreateChecked(l2);
        _projector = NullSpaceProjector(covariance, threshold, out int dimension);
        NullSpaceDimension = dimension;
        _cache = new Matrix<T>(w0.Rows, w0.Rows);
    }

    /// <inheritdoc />
    public Matrix<T> Weight => _weight;

    /// <inheritdoc />
    public int StepCount { get; private set; }

    /// <summary>The dimension of the null space P projects onto.</summary>
    public int NullSpaceDimension { get; }

    /// <summary>P (d_k×d_k, full, symmetric).</summary>
    public Matrix<T> Projector => _projector;

    /// <summary>
    /// U₀U₀ᵀ for the eigenvectors of <paramref name="covariance"/> selected by <paramref name="threshold"/> (eigenvalues ascending).
    /// </summary>
    public static Matrix<T> NullSpaceProjector(MatrixView<T> covariance, NullSpaceThreshold threshold, out int dimension)
    {
        var eig = SymmetricEigen.Decompose(covariance);
        int n = eig.Values.Length;
        dimension = 0;
        if (threshold.Kind == NullSpaceThresholdKind.Absolute)
        {
            T cut = T.CreateChecked(threshold.Value);
            while (dimension < n && eig.Values[dimension] < cut) dimension++;
        }
        else
        {
            double total = 0;
            foreach (var v in eig.Values) total += Math.Max(0, double.CreateTruncating(v));
            double free = 0;
            while (dimension < n && free + Math.Max(0, double.CreateTruncating(eig.Values[dimension])) <= threshold.Value * total)
                free += Math.Max(0, double.CreateTruncating(eig.Values[dimension++]));
        }
        var p = new Matrix<T>(n, n);
        if (dimension > 0)
        {
            var u0 = eig.Vectors!.View.ColRange(0, dimension);
            Blas.Gemm(T.One, u0, u0.Transposed, T.Zero, p.View);
        }
        return p;
    }

    /// <inheritdoc />
    public EditStepReport Step(MatrixView<T> keys, MatrixView<T> values)
    {
        StepMeasurements.ValidateBatch(keys, values, _weight.Rows, _weight.Cols, Op);
        int dk = _weight.Rows;
        var clock = Stopwatch.StartNew();
        var innovation = StepMeasurements.Innovation(keys, values, _weight.View);      // E = V − K·W           u×d_v
        var delta = new Matrix<T>(dk, _weight.Cols);
        if (keys.Rows > 0)
        {
            var m = new Matrix<T>(dk, dk);
            SymmetricStorage.CopyLower(_cache.View, m.View);
            Blas.Syrk(T.One, keys.Transposed, T.One, m.View);                            // M = KᵀK + K_pᵀK_p (lower)
            var mp = new Matrix<T>(dk, dk);
            Blas.Symm(Side.Left, T.One, m.View, _projector.View, T.Zero, mp.View);       // M·P
            var system = new Matrix<T>(dk, dk);
            Blas.Gemm(T.One, _projector.View, mp.View, T.Zero, system.View);             // P·M·P
            for (int i = 0; i < dk; i++) system[i, i] += _l2;
            Cholesky.FactorInPlace(system.View);
            var kte = new Matrix<T>(dk, _weight.Cols);
            Blas.Gemm(T.One, keys.Transposed, innovation.View, T.Zero, kte.View);        // KᵀE
            Blas.Gemm(T.One, _projector.View, kte.View, T.Zero, delta.View);             // P·KᵀE
            Cholesky.SolveInPlace(system.View, delta.View);
            for (int i = 0; i < delta.Data.Length; i++) _weight.Data[i] += delta.Data[i];
            Blas.Syrk(T.One, keys.Transposed, T.One, _cache.View);                       // K_pᵀK_p += KᵀK
        }
        StepCount++;
        var elapsed = clock.Elapsed;
        var (after, _) = StepMeasurements.After(keys, values, _weight.View, innovation.View);
        double raw = double.CreateTruncating(Norms.Frobenius(innovation.View));
        return new EditStepReport(StepCount, keys.Rows, double.CreateTruncating(Norms.Frobenius(delta.View)), raw, after, raw, elapsed, []);
    }
}
