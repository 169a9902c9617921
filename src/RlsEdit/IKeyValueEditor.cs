using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit;

/// <summary>An editor of one linear map W (d_k×d_v) driven by batches of key rows K (u×d_k) and target value rows V (u×d_v).</summary>
/// <typeparam name="T">Element type.</typeparam>
public interface IKeyValueEditor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The current weight W_t (d_k×d_v). Owned by the editor; read it, do not write it.</summary>
    Matrix<T> Weight { get; }

    /// <summary>Number of steps applied so far (t).</summary>
    int StepCount { get; }

    /// <summary>Applies one edit batch so that K·W moves towards V, and reports what changed.</summary>
    /// <exception cref="ShapeMismatchException">The keys or values do not match d_k, d_v or each other's row count.</exception>
    /// <exception cref="NonFiniteValueException">The keys or values hold NaN or ±∞.</exception>
    EditStepReport Step(MatrixView<T> keys, MatrixView<T> values);
}
