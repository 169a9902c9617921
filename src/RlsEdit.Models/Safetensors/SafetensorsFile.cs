using System.IO.MemoryMappedFiles;
using System.Text.Json;

namespace RlsEdit.Models.Safetensors;

/// <summary>
/// A read-only, memory-mapped safetensors file (8-byte little-endian header length, a JSON header, then raw
/// little-endian tensor data). The header is validated completely before any tensor is touched, so a corrupt
/// file fails with a <see cref="ModelFormatException"/> and never causes an allocation larger than the file.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>The safetensors format caps the JSON header at 100 MB.</summary>
    public const long MaxHeaderBytes = 100_000_000;
    private const int MaxRank = 8;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private bool _disposed;

    /// <summary>The file's path.</summary>
    public string FilePath { get; }
    /// <summary>Tensor entries in header order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }
    /// <summary>The optional <c>__metadata__</c> string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>Byte offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart,
        List<SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        FilePath = path; _map = map; _view = view; DataStart = dataStart; Tensors = tensors; Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    /// <summary>Opens and validates <paramref name="path"/>; the file stays mapped until <see cref="Dispose"/>.</summary>
    /// <exception cref="ModelFormatException">The header is truncated, not JSON, or describes tensors that do not fit the file.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this runtime needs a little-endian CPU.");
        long fileLength = new FileInfo(path).Length;
        if (fileLength < 8)
            throw new ModelFormatException(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length prefix.");

        var map = MemoryMappedFile.CreateFromFile(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete),
            mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            ulong headerLength = view.ReadUInt64(0);
            if (headerLength > (ulong)MaxHeaderBytes || (long)headerLength > fileLength - 8)
                throw new ModelFormatException(path,
                    $"the header length prefix says {headerLength} bytes, but the file has only {fileLength - 8} bytes after the prefix (and the format allows at most {MaxHeaderBytes}).");
            var headerBytes = new byte[(int)headerLength];
            view.ReadArray(8, headerBytes, 0, headerBytes.Length);
            long dataStart = 8 + (long)headerLength;
            var (tensors, metadata) = ParseHeader(path, headerBytes, fileLength - dataStart);
            return new SafetensorsFile(path, map, view, dataStart, tensors, metadata);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>True when the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The entry for <paramref name="name"/>.</summary>
    /// <exception cref="ModelFormatException">No such tensor.</exception>
    public SafetensorsTensorInfo Get(string name) =>
        _byName.TryGetValue(name, out var info) ? info : throw new ModelFormatException(FilePath, $"no tensor named '{name}'.");

    /// <summary>The raw bytes of a tensor, straight from the mapping (valid until <see cref="Dispose"/>).</summary>
    public ReadOnlySpan<byte> RawBytes(SafetensorsTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long length = info.End - info.Begin;
        if (length > int.MaxValue)
            throw new ModelFormatException(FilePath, $"tensor '{info.Name}' has {length} bytes; tensors over 2 GiB are not supported.");
        return new ReadOnlySpan<byte>(_base + DataStart + info.Begin, (int)length);
    }

    /// <summary>Decodes a floating-point tensor into <paramref name="destination"/> (converted to float32).</summary>
    /// <exception cref="ModelFormatException">The tensor's dtype is not F32, F16 or BF16.</exception>
    /// <exception cref="Tensors.ShapeMismatchException"><paramref name="destination"/> has the wrong length.</exception>
    public void ReadInto(string name, Span<float> destination)
    {
        var info = Get(name);
        var dtype = info.DType ?? throw new ModelFormatException(FilePath,
            $"tensor '{name}' has dtype {info.DTypeName}; only F32, F16 and BF16 weights are supported.");
        if (destination.Length != info.ElementCount)
            throw new Tensors.ShapeMismatchException("SafetensorsFile.ReadInto", "destination",
                $"{info.ElementCount} elements [{string.Join(", ", info.Shape)}]", $"{destination.Length} elements");
        SafetensorsDTypes.Decode(dtype, RawBytes(info), destination);
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private static int KnownElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        _ => 8,
    };

    private static (List<SafetensorsTensorInfo>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw new ModelFormatException(path, "the header is not valid UTF-8.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"the header is not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(path, $"the header must be a JSON object, got {doc.RootElement.ValueKind}.");
            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                        throw new ModelFormatException(path, "__metadata__ must be an object of strings.");
                    foreach (var m in entry.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                            : throw new ModelFormatException(path, $"__metadata__ value '{m.Name}' must be a string.");
                    continue;
                }
                tensors.Add(ParseEntry(path, entry, dataLength));
            }

            var sorted = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
            for (int i = 1; i < sorted.Count; i++)
                if (sorted[i].Begin < sorted[i - 1].End && sorted[i].End > sorted[i].Begin)
                    throw new ModelFormatException(path,
                        $"tensors '{sorted[i - 1].Name}' [{sorted[i - 1].Begin}, {sorted[i - 1].End}) and '{sorted[i].Name}' [{sorted[i].Begin}, {sorted[i].End}) overlap.");
            return (tensors, metadata);
        }
    }

    private static SafetensorsTensorInfo ParseEntry(string path, JsonProperty entry, long dataLength)
    {
        string name = entry.Name;
        var v = entry.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array)
            throw new ModelFormatException(path, $"tensor '{name}' must have a string 'dtype', an array 'shape' and an array 'data_offsets'.");

        string dtype = dtypeEl.GetString()!;
        if (!SafetensorsDTypes.IsKnownName(dtype))
            throw new ModelFormatException(path, $"tensor '{name}' has unknown dtype '{dtype}'.");

        int rank = shapeEl.GetArrayLength();
        if (rank > MaxRank)
            throw new ModelFormatException(path, $"tensor '{name}' has rank {rank}; at most {MaxRank} is supported.");
        var shape = new int[rank];
        long elements = 1;
        bool hasZero = false, exceeds = false;
        int k = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0 || dim > int.MaxValue)
                throw new ModelFormatException(path, $"tensor '{name}' has an invalid dimension {d.GetRawText()} (expected an integer in [0, {int.MaxValue}]).");
            shape[k++] = (int)dim;
            // Saturating product: a count beyond the data section's byte length is rejected below, so it need not be exact.
            if (dim == 0) hasZero = true;
            else if (!exceeds && elements > dataLength / dim) exceeds = true;
            else if (!exceeds) elements *= dim;
        }
        elements = hasZero ? 0 : exceeds ? dataLength + 1 : elements;

        if (offEl.GetArrayLength() != 2)
            throw new ModelFormatException(path, $"tensor '{name}': data_offsets must be [begin, end].");
        var offs = offEl.EnumerateArray().Select(o =>
            o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long x) ? x : -1).ToArray();
        long begin = offs[0], end = offs[1];
        if (begin < 0 || end < begin || end > dataLength)
            throw new ModelFormatException(path,
                $"tensor '{name}' has data_offsets [{offEl[0].GetRawText()}, {offEl[1].GetRawText()}] outside the data section of {dataLength} bytes.");
        long expectedBytes = elements * KnownElementSize(dtype);
        if (elements > dataLength || end - begin != expectedBytes)
            throw new ModelFormatException(path,
                $"tensor '{name}' of dtype {dtype} and shape [{string.Join(", ", shape)}] needs {(elements > dataLength ? "more than the whole data section" : expectedBytes + " bytes")}, but its data_offsets span {end - begin} bytes.");
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }
}
