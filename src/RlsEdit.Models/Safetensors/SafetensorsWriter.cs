using System.Text;
using System.Text.Json;

namespace RlsEdit.Models.Safetensors;

/// <summary>A tensor to be written: its header entry and a callback that streams exactly <paramref name="ByteLength"/> bytes.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DTypeName">Header dtype string.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="ByteLength">Number of data bytes <paramref name="WriteData"/> writes.</param>
/// <param name="WriteData">Writes the raw little-endian data.</param>
public sealed record SafetensorsEntry(string Name, string DTypeName, int[] Shape, long ByteLength, Action<Stream> WriteData)
{
    /// <summary>An entry encoding float32 <paramref name="values"/> as <paramref name="dtype"/>.</summary>
    public static SafetensorsEntry FromFloats(string name, SafetensorsDType dtype, int[] shape, float[] values) =>
        new(name, dtype.HeaderName(), shape, (long)values.Length * dtype.Size(), stream =>
        {
            const int chunk = 1 << 16;
            var buffer = new byte[chunk * dtype.Size()];
            for (int i = 0; i < values.Length; i += chunk)
            {
                int n = Math.Min(chunk, values.Length - i);
                SafetensorsDTypes.Encode(dtype, values.AsSpan(i, n), buffer.AsSpan(0, n * dtype.Size()));
                stream.Write(buffer, 0, n * dtype.Size());
            }
        });
}

/// <summary>Writes safetensors files atomically: into a temporary file beside the target, then renamed over it.</summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="entries"/> (in order) and optional metadata to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        byte[] header = BuildHeader(entries, metadata);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> prefix = stackalloc byte[8];
                BitConverter.TryWriteBytes(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var e in entries)
                {
                    long before = stream.Position;
                    e.WriteData(stream);
                    if (stream.Position - before != e.ByteLength)
                        throw new InvalidOperationException($"SafetensorsWriter: tensor '{e.Name}' wrote {stream.Position - before} bytes, expected {e.ByteLength}.");
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DTypeName);
                w.WriteStartArray("shape");
                foreach (int d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.ByteLength);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.ByteLength;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int padded = (int)((ms.Length + 7) / 8 * 8);
        var header = new byte[padded];
        ms.ToArray().CopyTo(header, 0);
        for (long i = ms.Length; i < padded; i++) header[i] = (byte)' ';
        return header;
    }
}
