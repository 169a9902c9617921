using System.Numerics;
using System.Runtime.InteropServices;

namespace RlsEdit.Tensors;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files: format versions 1.0, 2.0 and 3.0; float32, float64, int64 and int32;
/// C or Fortran order; little endian only. Anything else is rejected with an <see cref="NpyFormatException"/>.
/// </summary>
public static class Npy
{
    /// <summary>Reads the array stored in the file at <paramref name="path"/>.</summary>
    /// <exception cref="NpyFormatException">The file is not a supported, well-formed <c>.npy</c> file.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads the file at <paramref name="path"/> as a matrix; see <see cref="NpyArray.ToMatrix{T}"/> for the conversions.</summary>
    /// <exception cref="NpyFormatException">The file is malformed, unsupported, or holds more than two axes.</exception>
    public static Matrix<T> ReadMatrix<T>(string path, VectorOrientation vector = VectorOrientation.Row) where T : unmanaged, IFloatingPointIeee754<T> =>
        Read(path).ToMatrix<T>(vector);

    /// <summary>
    /// Reads one array from <paramref name="stream"/>, which must hold exactly one <c>.npy</c> image from its current
    /// position to its end. <paramref name="sourceName"/> names it in error messages.
    /// </summary>
    /// <exception cref="NpyFormatException">The bytes are not a supported, well-formed <c>.npy</c> image.</exception>
    public static NpyArray Read(Stream stream, string sourceName = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return Read(stream, sourceName, stream.CanSeek ? stream.Length - stream.Position : null);
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> atomically (a temporary file in the same folder, then a rename).</summary>
    public static void Write(string path, NpyArray array, NpyOrder order = NpyOrder.C)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array, order));
    }

    /// <summary>Writes <paramref name="matrix"/> to <paramref name="path"/> as a 2-D float32 or float64 array, atomically.</summary>
    public static void Write<T>(string path, MatrixView<T> matrix) where T : unmanaged, IFloatingPointIeee754<T> =>
        Write(path, NpyArray.FromMatrix(matrix));

    /// <summary>Writes <paramref name="array"/> as a <c>.npy</c> image to <paramref name="stream"/> in the given order.</summary>
    public static void Write(Stream stream, NpyArray array, NpyOrder order = NpyOrder.C)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        stream.Write(NpyHeader.Format(array.DataType, order, array.Shape));
        Array data = order == NpyOrder.Fortran && array.Rank > 1 ? ReverseAxes(array.Data, array.Shape.Reverse().ToArray()) : array.Data;
        EnsureLittleEndian();
        for (int start = 0; start < data.Length; start += BlockElements)
            stream.Write(ByteWindow(data, start, Math.Min(BlockElements, data.Length - start)));
    }

    /// <param name="stream">Positioned at the magic string.</param>
    /// <param name="source">Names the file or entry in errors.</param>
    /// <param name="availableBytes">Bytes from the current position to the end, when known: lets an absurd shape be
    /// rejected before anything is allocated.</param>
    internal static NpyArray Read(Stream stream, string source, long? availableBytes)
    {
        NpyHeader header = NpyHeader.Read(stream, source);
        long dataBytes = header.ElementCount * header.DataType.ItemSize();
        if (availableBytes is long available)
        {
            long left = available - header.HeaderBytes;
            if (left < dataBytes) throw TruncatedData(header, source, left);
            if (left > dataBytes)
                throw new NpyFormatException(source, "trailing bytes after the data",
                    $"{dataBytes} data bytes for {header.DataType.Descriptor()} shape {NpyArray.ShapeText(header.Shape)}", $"{left} bytes");
        }

        // Without a known length, buffer the payload first so a lying header cannot make us allocate a huge array.
        List<byte[]>? buffered = availableBytes is null ? ReadPayload(stream, dataBytes, header, source) : null;
        Array data = header.DataType switch
        {
            NpyDataType.Float64 => new double[header.ElementCount],
            NpyDataType.Float32 => new float[header.ElementCount],
            NpyDataType.Int64 => new long[header.ElementCount],
            _ => new int[header.ElementCount],
        };
        int itemSize = header.DataType.ItemSize();
        if (buffered is not null)
        {
            int start = 0;
            foreach (byte[] chunk in buffered)
            {
                chunk.CopyTo(ByteWindow(data, start, chunk.Length / itemSize));
                start += chunk.Length / itemSize;
            }
        }
        else
        {
            for (int start = 0; start < data.Length; start += BlockElements)
            {
                Span<byte> window = ByteWindow(data, start, Math.Min(BlockElements, data.Length - start));
                int got = NpyHeader.ReadFully(stream, window);
                if (got < window.Length) throw TruncatedData(header, source, (long)start * itemSize + got);
            }
        }
        if (availableBytes is null && stream.ReadByte() >= 0)
            throw new NpyFormatException(source, "trailing bytes after the data", $"the end after {dataBytes} data bytes", "more bytes");
        EnsureLittleEndian();

        if (header.Order == NpyOrder.Fortran && header.Shape.Length > 1)
            data = ReverseAxes(data, header.Shape);
        return NpyArray.Create(header.DataType, data, header.Shape, source);
    }

    // Blocks keep every byte span under 2 GiB (a Span's length is an int) for arrays of any allowed size.
    private const int BlockElements = 1 << 24;

    private static Span<byte> ByteWindow(Array data, int start, int count) => data switch
    {
        double[] d => MemoryMarshal.AsBytes(d.AsSpan(start, count)),
        float[] f => MemoryMarshal.AsBytes(f.AsSpan(start, count)),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan(start, count)),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan(start, count)),
        _ => throw new InvalidOperationException($"Npy: unexpected data type {data.GetType().Name}."),
    };

    /// <summary>Reads exactly <paramref name="dataBytes"/> in chunks of whole elements.</summary>
    private static List<byte[]> ReadPayload(Stream stream, long dataBytes, NpyHeader header, string source)
    {
        const long chunkBytes = 1 << 20; // a whole number of elements for every item size
        var chunks = new List<byte[]>();
        long got = 0;
        while (got < dataBytes)
        {
            var chunk = new byte[Math.Min(chunkBytes, dataBytes - got)];
            int n = NpyHeader.ReadFully(stream, chunk);
            got += n;
            if (n < chunk.Length) throw TruncatedData(header, source, got);
            chunks.Add(chunk);
        }
        return chunks;
    }

    private static NpyFormatException TruncatedData(NpyHeader header, string source, long got) =>
        new(source, "truncated data",
            $"{header.ElementCount * header.DataType.ItemSize()} data bytes for {header.DataType.Descriptor()} shape {NpyArray.ShapeText(header.Shape)}",
            $"{got} bytes");

    /// <summary>
    /// Reinterprets Fortran-order data of shape <paramref name="shape"/> in C order (equivalently, transposes a
    /// C-order array of the reversed shape), so it also maps C-order data of the reversed shape to Fortran order.
    /// </summary>
    private static Array ReverseAxes(Array source, IReadOnlyList<long> shape) => source switch
    {
        double[] d => ReverseAxes(d, shape),
        float[] f => ReverseAxes(f, shape),
        long[] l => ReverseAxes(l, shape),
        _ => ReverseAxes((int[])source, shape),
    };

    private static T[] ReverseAxes<T>(T[] source, IReadOnlyList<long> shape)
    {
        int rank = shape.Count;
        // Stride of axis k in the Fortran-order source: the product of the axes before it.
        var sourceStride = new long[rank];
        long stride = 1;
        for (int k = 0; k < rank; k++) { sourceStride[k] = stride; stride *= shape[k]; }

        var target = new T[source.Length];
        var index = new long[rank];
        long offset = 0;
        for (int t = 0; t < target.Length; t++)
        {
            target[t] = source[offset];
            // Advance the C-order odometer: the last axis turns fastest.
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++index[k] < shape[k]) { offset += sourceStride[k]; break; }
                offset -= (index[k] - 1) * sourceStride[k];
                index[k] = 0;
            }
        }
        return target;
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Npy: reading and writing .npy data needs a little-endian machine.");
    }
}
