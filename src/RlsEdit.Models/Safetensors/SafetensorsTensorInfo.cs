namespace RlsEdit.Models.Safetensors;

/// <summary>One tensor entry of a validated safetensors header.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DTypeName">The header's dtype string (e.g. "BF16", "I64").</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Begin">Byte offset of the first element, relative to the start of the data section.</param>
/// <param name="End">Byte offset one past the last element, relative to the start of the data section.</param>
public sealed record SafetensorsTensorInfo(string Name, string DTypeName, int[] Shape, long Begin, long End)
{
    /// <summary>The number of elements (product of <see cref="Shape"/>).</summary>
    public long ElementCount => Shape.Aggregate(1L, (p, d) => p * d);

    /// <summary>The dtype when it is one this runtime computes with (F32, F16, BF16); null otherwise.</summary>
    public SafetensorsDType? DType => SafetensorsDTypes.TryParse(DTypeName, out var d) ? d : null;
}
