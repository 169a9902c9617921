using System.Numerics;
using System.Text.Json;
using RlsEdit.Models.Safetensors;
using RlsEdit.Tensors;

namespace RlsEdit.Models;

/// <summary>
/// Loads and saves Hugging Face model folders: <c>config.json</c> plus <c>model.safetensors</c> or shards listed
/// in <c>model.safetensors.index.json</c>. Weights are decoded straight from the memory-mapped files into the
/// model's arrays (F16/BF16 widened to float), and the mappings are released after loading, so a loaded model
/// costs its weights once.
/// </summary>
public static class ModelFolder
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFile = "model.safetensors";
    /// <summary>The shard index name.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>Loads the model in <paramref name="directory"/>.</summary>
    /// <exception cref="ModelFormatException">A missing or malformed file, a missing/mis-shaped/unexpected tensor, or an unsupported config.</exception>
    public static TransformerModel<T> Load<T>(string directory) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = LoadConfig(directory);
        var files = OpenWeights(directory, out var locations);
        try
        {
            var byCanonical = new Dictionary<string, (SafetensorsFile File, SafetensorsTensorInfo Info)>(StringComparer.Ordinal);
            foreach (var (name, file) in locations)
            {
                string canonical = ParameterLayout.Canonical(config, name);
                if (ParameterLayout.IsIgnoredBuffer(canonical)) continue;
                if (!byCanonical.TryAdd(canonical, (file, file.Get(name))))
                    throw new ModelFormatException(file.FilePath, $"tensor '{canonical}' appears twice (with and without the 'transformer.' prefix).");
            }
            var expected = ParameterLayout.Expected(config);
            var expectedNames = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in byCanonical.Keys)
                if (!expectedNames.Contains(name) && !(name == ParameterLayout.LmHead && config.TieWordEmbeddings))
                    throw new ModelFormatException(byCanonical[name].File.FilePath, $"unexpected tensor '{name}' for a {config.ModelType} model with this config.");

            var parameters = new Dictionary<string, Parameter<T>>(StringComparer.Ordinal);
            foreach (var (name, shape) in expected)
            {
                if (!byCanonical.TryGetValue(name, out var entry))
                    throw new ModelFormatException(files.Count == 1 ? files[0].FilePath : Path.Combine(directory, IndexFile),
                        $"the tensor '{name}' [{string.Join(", ", shape)}] is missing.");
                var (file, info) = entry;
                if (!info.Shape.SequenceEqual(shape))
                    throw new ModelFormatException(file.FilePath, $"tensor '{info.Name}' has shape [{string.Join(", ", info.Shape)}], expected [{string.Join(", ", shape)}] from config.json.");
                var dtype = info.DType ?? throw new ModelFormatException(file.FilePath,
                    $"tensor '{info.Name}' has dtype {info.DTypeName}; weights must be F32, F16 or BF16.");
                parameters[name] = new Parameter<T>(info.Name, shape, dtype, Read<T>(file, info, shape));
            }
            return TransformerModel<T>.Create(config, parameters);
        }
        finally
        {
            foreach (var f in files) f.Dispose();
        }
    }

    /// <summary>Reads and validates <c>config.json</c> of <paramref name="directory"/>.</summary>
    public static ModelConfig LoadConfig(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, "config.json");
        if (!File.Exists(path))
            throw new ModelFormatException(path, $"no config.json in '{directory}' (is it a Hugging Face model folder?).");
        return ModelConfig.Load(path);
    }

    /// <summary>
    /// Writes <paramref name="model"/> into <paramref name="targetDirectory"/> with the file layout of
    /// <paramref name="sourceDirectory"/>: the same shard files, tensor names, order and dtypes; tensors the model
    /// does not own (buffers) are copied byte for byte, and every other file of the folder is copied. Each file is
    /// written atomically, so the target may be the source folder itself.
    /// </summary>
    public static void Save<T>(TransformerModel<T> model, string sourceDirectory, string targetDirectory) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(targetDirectory);
        var byFileName = model.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var files = OpenWeights(sourceDirectory, out _);
        try
        {
            foreach (var file in files)
            {
                var entries = new List<SafetensorsEntry>();
                foreach (var info in file.Tensors.OrderBy(t => t.Begin))
                {
                    if (byFileName.TryGetValue(info.Name, out var p) && (!model.Config.TieWordEmbeddings || ParameterLayout.Canonical(model.Config, info.Name) != ParameterLayout.LmHead))
                    {
                        var values = new float[p.Value.Data.Length];
                        for (int i = 0; i < values.Length; i++) values[i] = float.CreateSaturating(p.Value.Data[i]);
                        entries.Add(SafetensorsEntry.FromFloats(info.Name, p.StorageDType, info.Shape, values));
                    }
                    else
                    {
                        var raw = file.RawBytes(info).ToArray();
                        entries.Add(new SafetensorsEntry(info.Name, info.DTypeName, info.Shape, raw.Length, s => s.Write(raw)));
                    }
                }
                SafetensorsWriter.Write(Path.Combine(targetDirectory, Path.GetFileName(file.FilePath)), entries, file.Metadata);
            }
        }
        finally
        {
            foreach (var f in files) f.Dispose();
        }
        if (Path.GetFullPath(sourceDirectory) == Path.GetFullPath(targetDirectory)) return;
        foreach (var path in Directory.GetFiles(sourceDirectory))
            if (!path.EndsWith(".safetensors", StringComparison.Ordinal))
                File.Copy(path, Path.Combine(targetDirectory, Path.GetFileName(path)), overwrite: true);
    }

    private static Matrix<T> Read<T>(SafetensorsFile file, SafetensorsTensorInfo info, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = shape.Length == 1 ? new Matrix<T>(1, shape[0]) : new Matrix<T>(shape[0], shape[1]);
        if (typeof(T) == typeof(float))
        {
            file.ReadInto(info.Name, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(m.Data.AsSpan()));
            return m;
        }
        const int chunk = 1 << 16;
        var buffer = new float[chunk];
        var raw = file.RawBytes(info);
        var dtype = info.DType!.Value;
        for (int start = 0; start < m.Data.Length; start += chunk)
        {
            int count = Math.Min(chunk, m.Data.Length - start);
            SafetensorsDTypes.Decode(dtype, raw.Slice(start * dtype.Size(), count * dtype.Size()), buffer.AsSpan(0, count));
            for (int i = 0; i < count; i++) m.Data[start + i] = T.CreateChecked(buffer[i]);
        }
        return m;
    }

    /// <summary>Opens every weights file of the folder; <paramref name="locations"/> maps each tensor name to its file.</summary>
    private static List<SafetensorsFile> OpenWeights(string directory, out Dictionary<string, SafetensorsFile> locations)
    {
        string index = Path.Combine(directory, IndexFile);
        string single = Path.Combine(directory, SingleFile);
        locations = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var files = new List<SafetensorsFile>();
        try
        {
            if (File.Exists(index))
            {
                var weightMap = ReadIndex(index);
                var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
                foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    string path = Path.Combine(directory, shard);
                    if (!File.Exists(path))
                        throw new ModelFormatException(index, $"lists shard '{shard}', which does not exist.");
                    var f = SafetensorsFile.Open(path);
                    files.Add(f);
                    opened[shard] = f;
                }
                foreach (var (name, shard) in weightMap)
                {
                    if (!opened[shard].Contains(name))
                        throw new ModelFormatException(index, $"maps '{name}' to '{shard}', which has no such tensor.");
                    locations[name] = opened[shard];
                }
                foreach (var f in files)
                    foreach (var t in f.Tensors)
                        if (!locations.ContainsKey(t.Name))
                            throw new ModelFormatException(index, $"does not list tensor '{t.Name}' of '{Path.GetFileName(f.FilePath)}'.");
            }
            else if (File.Exists(single))
            {
                var f = SafetensorsFile.Open(single);
                files.Add(f);
                foreach (var t in f.Tensors) locations[t.Name] = f;
            }
            else
            {
                throw new ModelFormatException(single, $"'{directory}' has neither {SingleFile} nor {IndexFile}.");
            }
            return files;
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> ReadIndex(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(path, "has no 'weight_map' object.");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in map.EnumerateObject())
            {
                string shard = e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString()! : "";
                // A shard must be a plain file name inside the folder: no directories, no traversal.
                if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or ".." || !shard.EndsWith(".safetensors", StringComparison.Ordinal))
                    throw new ModelFormatException(path, $"maps '{e.Name}' to '{e.Value.GetRawText()}', which is not a .safetensors file name in the folder.");
                result[e.Name] = shard;
            }
            return result;
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON ({e.Message}).", e);
        }
    }
}
