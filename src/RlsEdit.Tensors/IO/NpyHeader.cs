using System.Globalization;
using System.Text;

namespace RlsEdit.Tensors;

/// <summary>
/// The header of a <c>.npy</c> file: the magic string, the format version, and a Python dict literal
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (2, 3), }</c> padded so the data starts 64-byte aligned.
/// </summary>
internal readonly record struct NpyHeader(NpyDataType DataType, NpyOrder Order, long[] Shape, long ElementCount, long HeaderBytes)
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int Alignment = 64;
    // NumPy leaves room for the growth axis to reach 21 digits so headers can be rewritten in place; we match
    // its padding so our files are byte-identical to numpy.save.
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>Reads and validates the header; leaves <paramref name="stream"/> at the first data byte.</summary>
    public static NpyHeader Read(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[8];
        int got = ReadFully(stream, prefix);
        if (got < 8 || !prefix[..6].SequenceEqual(Magic))
            throw new NpyFormatException(source, "not a .npy file", "the magic string \\x93NUMPY followed by a version",
                got == 0 ? "an empty file" : $"the bytes {Convert.ToHexString(prefix[..got])}");
        byte major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new NpyFormatException(source, "unsupported .npy format version", "1.0, 2.0 or 3.0", $"{major}.{minor}");

        int lengthSize = major == 1 ? 2 : 4;
        Span<byte> lengthBytes = stackalloc byte[4];
        lengthBytes.Clear();
        if (ReadFully(stream, lengthBytes[..lengthSize]) < lengthSize)
            throw new NpyFormatException(source, "truncated header", $"a {lengthSize}-byte header length", "end of file");
        uint headerLength = BitConverter.ToUInt32(lengthBytes);
        if (headerLength > 1 << 20)
            throw new NpyFormatException(source, "implausible header length", "at most 1 MiB", $"{headerLength} bytes");
        if (stream.CanSeek && headerLength > stream.Length - stream.Position)
            throw new NpyFormatException(source, "truncated header", $"{headerLength} header bytes", $"{stream.Length - stream.Position} bytes left in the file");

        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerBytes.Length)
            throw new NpyFormatException(source, "truncated header", $"{headerLength} header bytes", "end of file");
        string text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        return Parse(text, source, 8L + lengthSize + headerLength);
    }

    /// <summary>The complete header bytes (magic through the newline), version 1.0 unless the header needs 2.0.</summary>
    public static byte[] Format(NpyDataType dataType, NpyOrder order, IReadOnlyList<long> shape)
    {
        var dict = new StringBuilder();
        dict.Append("{'descr': '").Append(dataType.Descriptor()).Append("', 'fortran_order': ")
            .Append(order == NpyOrder.Fortran ? "True" : "False").Append(", 'shape': ")
            .Append(NpyArray.ShapeText(shape)).Append(", }");
        if (shape.Count > 0)
        {
            long growthAxis = shape[order == NpyOrder.Fortran ? shape.Count - 1 : 0];
            dict.Append(' ', GrowthAxisMaxDigits - growthAxis.ToString(CultureInfo.InvariantCulture).Length);
        }

        byte[] body = Encoding.Latin1.GetBytes(dict.ToString());
        int lengthSize = 2;
        int total = Pad(body.Length, lengthSize);
        if (total - 8 - lengthSize > ushort.MaxValue)
        {
            lengthSize = 4;
            total = Pad(body.Length, lengthSize);
        }
        var bytes = new byte[total];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)(lengthSize == 2 ? 1 : 2);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), (uint)(total - 8 - lengthSize));
        body.CopyTo(bytes, 8 + lengthSize);
        bytes.AsSpan(8 + lengthSize + body.Length).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    // NumPy always adds 1..64 bytes of padding (counting the newline): it pads to the *next* multiple.
    private static int Pad(int bodyLength, int lengthSize)
    {
        int unpadded = 8 + lengthSize + bodyLength + 1;
        return unpadded + (Alignment - unpadded % Alignment);
    }

    private static NpyHeader Parse(string text, string source, long headerBytes)
    {
        var parser = new PythonLiteralParser(text, source);
        Dictionary<string, object> dict = parser.ParseHeaderDict();

        if (!dict.TryGetValue("descr", out object? descrValue))
            throw Missing(source, "descr", text);
        if (!dict.TryGetValue("fortran_order", out object? orderValue))
            throw Missing(source, "fortran_order", text);
        if (!dict.TryGetValue("shape", out object? shapeValue))
            throw Missing(source, "shape", text);
        foreach (string key in dict.Keys)
            if (key is not ("descr" or "fortran_order" or "shape"))
                throw new NpyFormatException(source, "unexpected header key", "only 'descr', 'fortran_order' and 'shape'", $"'{key}' in {text.Trim()}");

        if (descrValue is not string descr)
            throw new NpyFormatException(source, "unsupported dtype", "a simple little-endian dtype such as '<f8'", $"a structured dtype {descrValue}");
        NpyDataType dataType = NpyDataTypes.TryParse(descr) ?? throw UnsupportedDtype(source, descr);
        if (orderValue is not bool fortran)
            throw new NpyFormatException(source, "bad 'fortran_order'", "True or False", $"{orderValue}");
        if (shapeValue is not long[] shape)
            throw new NpyFormatException(source, "bad 'shape'", "a tuple of non-negative integers", $"{shapeValue}");
        long count = NpyArray.ElementCount(shape) ?? throw new NpyFormatException(source, "absurd shape",
            $"non-negative axes with at most {Array.MaxLength} elements in all", NpyArray.ShapeText(shape));
        return new NpyHeader(dataType, fortran ? NpyOrder.Fortran : NpyOrder.C, shape, count, headerBytes);
    }

    private static NpyFormatException Missing(string source, string key, string text) =>
        new(source, "incomplete header", $"a '{key}' entry", text.Trim());

    private static NpyFormatException UnsupportedDtype(string source, string descr)
    {
        string why = descr.Length > 0 && descr[0] == '>' ? " (big endian)"
            : descr.Contains('O', StringComparison.Ordinal) ? " (Python objects)" : "";
        return new NpyFormatException(source, "unsupported dtype",
            "'<f4', '<f8', '<i8' or '<i4' (little endian float32, float64, int64, int32)", $"'{descr}'{why}");
    }

    internal static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
