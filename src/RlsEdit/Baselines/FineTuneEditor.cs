using System.Diagnostics;
using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Baselines;

/// <summary>How <see cref="FineTuneEditor{T}"/> keeps W near W₀ after each gradient step.</summary>
public enum FineTuneConstraint
{
    /// <summary>Plain gradient descent.</summary>
    None,
    /// <summary>Clamp every entry to |W − W₀| ≤ radius, as the FT-L baseline's <c>norm_constraint</c> does.</summary>
    MaxAbs,
    /// <summary>Project onto the Frobenius ball ‖W − W₀‖_F ≤ radius.</summary>
    Frobenius,
}

/// <summary>
/// The fine-tuning baseline on the key/value interface: for each batch, <c>iterations</c> projected gradient steps on
/// L(W) = (1/u)‖K W − V‖²_F, i.e. W ← Π(W − η·(2/u)·Kᵀ(K W − V)), where Π enforces the <see cref="FineTuneConstraint"/>
/// around W₀. Nothing of earlier batches is remembered except through W.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class FineTuneEditor<T> : IKeyValueEditor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const string Op = "FineTuneEditor.Step";
    private readonly Matrix<T> _weight;
    private readonly Matrix<T> _w0;
    private readonly T _learningRate;
    private readonly int _iterations;
    private readonly FineTuneConstraint _constraint;
    private readonly T _radius;

    /// <summary>Starts at a copy of <paramref name="w0"/>.</summary>
    /// <param name="w0">W₀ (d_k×d_v).</param>
    /// <param name="learningRate">η &gt; 0; gradient descent on L decreases it when η ≤ u / (2 λ_max(KᵀK)).</param>
    /// <param name="iterations">Gradient steps per batch (≥ 1).</param>
    /// <param name="constraint">The projection applied after each step.</param>
    /// <param name="radius">ε of the constraint (ignored for <see cref="FineTuneConstraint.None"/>); ≥ 0.</param>
    public FineTuneEditor(MatrixView<T> w0, double learningRate, int iterations, FineTuneConstraint constraint = FineTuneConstraint.None, double radius = 0)
    {
        Guard.Finite(w0, "FineTuneEditor", "W0");
        if (!(learningRate > 0) || !double.IsFinite(learningRate) || iterations < 1 || !(radius >= 0) || !double.IsFinite(radius))
            throw new ArgumentOutOfRangeException(nameof(learningRate),
                $"FineTuneEditor: need η > 0, iterations ≥ 1 and radius ≥ 0 (got η = {learningRate}, {iterations} iterations, radius = {radius}).");
        _weight = w0.ToMatrix();
        _w0 = w0.ToMatrix();
        _learningRate = T.CreateChecked(learningRate);
        _iterations = iterations;
        _constraint = constraint;
        _radius = T.CreateChecked(radius);
    }

    /// <inheritdoc />
    public Matrix<T> Weight => _weight;

    /// <inheritdoc />
    public int StepCount { get; private set; }

    /// <inheritdoc />
    public EditStepReport Step(MatrixView<T> keys, MatrixView<T> values)
    {
        StepMeasurements.ValidateBatch(keys, values, _weight.Rows, _weight.Cols, Op);
        var clock = Stopwatch.StartNew();
        var before = _weight.Clone();
        var innovation = StepMeasurements.Innovation(keys, values, _weight.View);
        int u = keys.Rows;
        if (u > 0)
        {
            T scale = _learningRate * T.CreateChecked(2.0 / u);
            for (int it = 0; it < _iterations; it++)
            {
                var residual = StepMeasurements.Innovation(keys, values, _weight.View);   // V − K·W
                Blas.Gemm(scale, keys.Transposed, residual.View, T.One, _weight.View);      // W −= η·(2/u)·Kᵀ(K W − V)
                Project();
            }
        }
        StepCount++;
        var elapsed = clock.Elapsed;
        var (after, _) = StepMeasurements.After(keys, values, _weight.View, innovation.View);
        double change = double.CreateTruncating(Norms.FrobeniusDistance(_weight.View, before.View));
        double raw = double.CreateTruncating(Norms.Frobenius(innovation.View));
        return new EditStepReport(StepCount, u, change, raw, after, raw, elapsed, []);
    }

    private void Project()
    {
        switch (_constraint)
        {
            case FineTuneConstraint.MaxAbs:
                for (int i = 0; i < _weight.Data.Length; i++)
                    _weight.Data[i] = T.Clamp(_weight.Data[i], _w0.Data[i] - _radius, _w0.Data[i] + _radius);
                break;
            case FineTuneConstraint.Frobenius:
                T distance = Norms.FrobeniusDistance(_weight.View, _w0.View);
                if (distance <= _radius) break;
                T shrink = _radius / distance;
                for (int i = 0; i < _weight.Data.Length; i++)
                    _weight.Data[i] = _w0.Data[i] + shrink * (_weight.Data[i] - _w0.Data[i]);
                break;
        }
    }
}
