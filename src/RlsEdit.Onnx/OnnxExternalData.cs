using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace RlsEdit.Onnx;

/// <summary>
/// Initializers stored in external data files (models over 2 GB): reading their bytes, and saving a model whose
/// external tensors are rewritten into one fresh data file beside the output.
/// </summary>
internal static class OnnxExternalData
{
    private const int LargeTensorBytes = 1 << 20;
    // ONNX Runtime maps external data instead of copying it when a tensor's offset is page-aligned.
    private const int PageBytes = 4096;

    public static bool IsExternal(TensorProto tensor) => tensor.DataLocation == TensorProto.Types.DataLocation.External;

    /// <summary>The data file name an output model <paramref name="outputPath"/> gets: "{file name}.data".</summary>
    public static string DataFileName(string outputPath) => Path.GetFileName(outputPath) + ".data";

    /// <summary>Moves an external tensor's bytes into <see cref="TensorProto.RawData"/>.</summary>
    /// <exception cref="OnnxModelException">The entry is malformed or its file is missing or too short.</exception>
    public static void Inline(TensorProto tensor, string baseDirectory)
    {
        var (path, offset, length) = Locate(tensor, baseDirectory);
        var bytes = new byte[length];
        using (var stream = OpenData(path, tensor))
        {
            stream.Position = offset;
            stream.ReadExactly(bytes);
        }
        tensor.ExternalData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.Default;
        tensor.RawData = ByteString.CopyFrom(bytes);
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="outputPath"/> with every external initializer (read from files
    /// relative to <paramref name="inputDirectory"/>) and every inline initializer named in <paramref name="externalize"/>
    /// stored in one new data file <see cref="DataFileName"/> beside it. Each file is written to a temporary name and
    /// renamed; the data file first, so the graph never points at a data file that is not complete.
    /// </summary>
    /// <exception cref="OnnxModelException">The new data file would replace one the input model reads, or an input data file is unreadable.</exception>
    public static void Save(ModelProto model, string outputPath, string inputDirectory, IReadOnlySet<string> externalize)
    {
        string full = Path.GetFullPath(outputPath);
        string directory = Path.GetDirectoryName(full)!;
        string dataName = DataFileName(full);
        string dataPath = Path.Combine(directory, dataName);
        var sources = model.Graph.Initializer.Where(IsExternal).Select(t => (Tensor: t, Source: Locate(t, inputDirectory))).ToArray();
        if (sources.Any(s => string.Equals(Path.GetFullPath(s.Source.Path), dataPath, StringComparison.Ordinal)))
            throw new OnnxModelException(outputPath, "cannot write the external data file", $"an output whose data file '{dataName}' is not one the input model reads (save the edited model under another name)", dataPath);

        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{dataName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var data = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                foreach (var (tensor, (path, offset, length)) in sources)
                {
                    long at = Align(data, length);
                    using (var input = OpenData(path, tensor))
                    {
                        input.Position = offset;
                        CopyExactly(input, data, length, tensor.Name);
                    }
                    PointAt(tensor, dataName, at, length);
                }
                foreach (var tensor in model.Graph.Initializer.Where(t => !IsExternal(t) && externalize.Contains(t.Name)))
                {
                    long at = Align(data, tensor.RawData.Length);
                    tensor.RawData.WriteTo(data);
                    long length = tensor.RawData.Length;
                    tensor.RawData = ByteString.Empty;
                    PointAt(tensor, dataName, at, length);
                }
                data.Flush(flushToDisk: true);
            }
            File.Move(temporary, dataPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        OnnxGraph.Save(model, full);
    }

    /// <summary>The file, offset and byte count an external tensor's entries name (length defaults to the rest of the file).</summary>
    private static (string Path, long Offset, long Length) Locate(TensorProto tensor, string baseDirectory)
    {
        string? Entry(string key) => tensor.ExternalData.FirstOrDefault(e => e.Key == key)?.Value;
        string what = $"initializer '{tensor.Name}'";
        string location = Entry("location")
            ?? throw new OnnxModelException(what, "malformed external data", "a 'location' entry", $"keys {string.Join(", ", tensor.ExternalData.Select(e => e.Key))}");
        string path = Path.Combine(baseDirectory, location);
        if (!File.Exists(path))
            throw new OnnxModelException(what, "missing external data file", $"'{location}' beside the model", $"no file at '{path}'");
        long Number(string key, long fallback)
        {
            string? text = Entry(key);
            if (text is null) return fallback;
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n
                : throw new OnnxModelException(what, "malformed external data", $"a non-negative integer '{key}'", $"'{text}'");
        }
        long fileLength = new FileInfo(path).Length;
        long offset = Number("offset", 0);
        long length = Number("length", fileLength - offset);
        if (offset > fileLength || length > fileLength - offset)
            throw new OnnxModelException(what, "external data out of range", $"bytes {offset}..{offset + length} inside '{location}'", $"a file of {fileLength} bytes");
        return (path, offset, length);
    }

    private static FileStream OpenData(string path, TensorProto tensor)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new OnnxModelException($"initializer '{tensor.Name}'", "unreadable external data file", "a readable file", path, e);
        }
    }

    private static void CopyExactly(Stream input, Stream output, long count, string name)
    {
        var buffer = new byte[1 << 20];
        while (count > 0)
        {
            int read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0) throw new OnnxModelException($"initializer '{name}'", "truncated external data", $"{count} more bytes", "the end of the file");
            output.Write(buffer, 0, read);
            count -= read;
        }
    }

    /// <summary>Pads the data file so a large tensor starts on a page boundary; returns its offset.</summary>
    private static long Align(Stream data, long length)
    {
        if (length >= LargeTensorBytes && data.Position % PageBytes != 0)
            data.Write(new byte[PageBytes - data.Position % PageBytes]);
        return data.Position;
    }

    private static void PointAt(TensorProto tensor, string dataName, long offset, long length)
    {
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = dataName });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(CultureInfo.InvariantCulture) });
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
    }
}
