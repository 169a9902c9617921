using System.IO.Compression;

namespace RlsEdit.Tensors;

/// <summary>How <see cref="Npz.Write"/> stores entries: like <c>numpy.savez</c> or <c>numpy.savez_compressed</c>.</summary>
public enum NpzCompression
{
    /// <summary>Uncompressed entries (<c>numpy.savez</c>).</summary>
    Stored,
    /// <summary>Deflated entries (<c>numpy.savez_compressed</c>).</summary>
    Deflated,
}

/// <summary>
/// Reads and writes NumPy <c>.npz</c> archives: zip files whose entries <c>name.npy</c> each hold one array,
/// stored or deflated.
/// </summary>
public static class Npz
{
    private const string EntrySuffix = ".npy";

    /// <summary>Reads every array in the archive, keyed by entry name without the <c>.npy</c> suffix.</summary>
    /// <exception cref="NpyFormatException">The file is not a zip archive, an entry is not a <c>.npy</c> file, or an entry is malformed.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads every array in the archive held by <paramref name="stream"/> (seekable); <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="NpyFormatException">The bytes are not a zip archive, an entry is not a <c>.npy</c> file, or an entry is malformed.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(Stream stream, string sourceName = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new NpyFormatException(sourceName, "not an .npz archive", "a zip file", e.Message, e);
        }

        using (archive)
        {
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            // The zip reader validates lazily (while listing entries and while inflating), so the whole walk is guarded.
            string current = sourceName;
            try
            {
                foreach (ZipArchiveEntry entry in archive.Entries)
                {
                    current = $"{sourceName}:{entry.FullName}";
                    if (!entry.FullName.EndsWith(EntrySuffix, StringComparison.Ordinal))
                        throw new NpyFormatException(current, "unexpected archive entry", "only '<name>.npy' entries", $"'{entry.FullName}'");
                    string name = entry.FullName[..^EntrySuffix.Length];
                    using Stream entryStream = entry.Open();
                    if (!arrays.TryAdd(name, Npy.Read(entryStream, current, entry.Length)))
                        throw new NpyFormatException(current, "duplicate archive entry", "each name once", $"'{entry.FullName}' twice");
                }
            }
            catch (InvalidDataException e)
            {
                throw new NpyFormatException(current, "corrupt archive", "a readable zip archive of stored or deflated entries", e.Message, e);
            }
            return arrays;
        }
    }

    /// <summary>
    /// Writes the arrays to <paramref name="path"/> as entries <c>name.npy</c>, atomically (a temporary file in the same
    /// folder, then a rename). Names must be non-empty and distinct.
    /// </summary>
    public static void Write(string path, IEnumerable<(string Name, NpyArray Array)> arrays, NpzCompression compression = NpzCompression.Stored)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var list = arrays.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, NpyArray array) in list)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(arrays));
            ArgumentNullException.ThrowIfNull(array, nameof(arrays));
            if (!seen.Add(name))
                throw new ArgumentException($"Npz.Write: the array name '{name}' appears more than once.", nameof(arrays));
        }
        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            var level = compression == NpzCompression.Deflated ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
            foreach ((string name, NpyArray array) in list)
            {
                ZipArchiveEntry entry = archive.CreateEntry(name + EntrySuffix, level);
                using Stream entryStream = entry.Open();
                Npy.Write(entryStream, array);
            }
        });
    }
}
