namespace RlsEdit.Models.Safetensors;

/// <summary>Element types of a safetensors tensor that this runtime can read; all are computed in float32 or float64.</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 binary32.</summary>
    F32,
    /// <summary>IEEE 754 binary16.</summary>
    F16,
    /// <summary>bfloat16: the upper 16 bits of a binary32.</summary>
    BF16,
}

/// <summary>Names, sizes and element conversions of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this SafetensorsDType dtype) => dtype == SafetensorsDType.F32 ? 4 : 2;

    /// <summary>The dtype string used in safetensors headers.</summary>
    public static string HeaderName(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => "F32",
        SafetensorsDType.F16 => "F16",
        _ => "BF16",
    };

    /// <summary>Parses a header dtype string; false for dtypes this runtime cannot compute with.</summary>
    public static bool TryParse(string name, out SafetensorsDType dtype)
    {
        switch (name)
        {
            case "F32": dtype = SafetensorsDType.F32; return true;
            case "F16": dtype = SafetensorsDType.F16; return true;
            case "BF16": dtype = SafetensorsDType.BF16; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Every dtype string the safetensors format defines (recognised, even where not supported).</summary>
    public static bool IsKnownName(string name) => name is "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "I16" or "U16"
        or "F16" or "BF16" or "I32" or "U32" or "F32" or "F64" or "I64" or "U64";

    /// <summary>Decodes little-endian <paramref name="bytes"/> of type <paramref name="dtype"/> into <paramref name="destination"/>.</summary>
    public static void Decode(SafetensorsDType dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                break;
            case SafetensorsDType.F16:
                var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes);
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(halves, destination);
                break;
            default:
                var bf = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < bf.Length; i++) destination[i] = BitConverter.Int32BitsToSingle(bf[i] << 16);
                break;
        }
    }

    /// <summary>Encodes <paramref name="values"/> as little-endian <paramref name="dtype"/> (round to nearest even).</summary>
    public static void Encode(SafetensorsDType dtype, ReadOnlySpan<float> values, Span<byte> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(destination);
                break;
            case SafetensorsDType.F16:
                System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(values, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(destination));
                break;
            default:
                var bf = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(destination);
                for (int i = 0; i < values.Length; i++) bf[i] = ToBFloat16(values[i]);
                break;
        }
    }

    private static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
