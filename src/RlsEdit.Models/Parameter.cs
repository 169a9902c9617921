using System.Numerics;
using RlsEdit.Models.Safetensors;
using RlsEdit.Tensors;

namespace RlsEdit.Models;

/// <summary>
/// One named weight tensor of a model, held as a row-major matrix (a vector is 1×n), with an optional gradient
/// of the same shape. <see cref="Shape"/> and <see cref="StorageDType"/> remember the file layout for saving.
/// </summary>
/// <typeparam name="T">float for inference; double for exact gradient checks.</typeparam>
public sealed class Parameter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The Hugging Face tensor name, e.g. <c>transformer.h.0.mlp.c_proj.weight</c>.</summary>
    public string Name { get; }
    /// <summary>The tensor's shape in the file.</summary>
    public int[] Shape { get; }
    /// <summary>The dtype the tensor is stored in; saving writes it back in the same dtype.</summary>
    public SafetensorsDType StorageDType { get; }
    /// <summary>The values (a 1-D tensor of length n is a 1×n matrix).</summary>
    public Matrix<T> Value { get; }
    /// <summary>The accumulated gradient, or null until <see cref="EnsureGradient"/> is called.</summary>
    public Matrix<T>? Gradient { get; private set; }

    /// <summary>Creates a parameter over <paramref name="value"/>.</summary>
    public Parameter(string name, int[] shape, SafetensorsDType storageDType, Matrix<T> value)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(value);
        long elements = shape.Aggregate(1L, (p, d) => p * d);
        if (elements != value.Data.Length)
            throw new ShapeMismatchException("Parameter", name, $"{elements} elements [{string.Join(", ", shape)}]", $"{value.Rows}×{value.Cols}");
        Name = name; Shape = shape; StorageDType = storageDType; Value = value;
    }

    /// <summary>The gradient buffer, allocated (zero) on first use.</summary>
    public Matrix<T> EnsureGradient() => Gradient ??= new Matrix<T>(Value.Rows, Value.Cols);

    /// <summary>Sets the gradient to zero (if allocated).</summary>
    public void ZeroGradient() => Gradient?.Data.AsSpan().Clear();

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}] {StorageDType}";
}
