namespace RlsEdit.Tensors;

/// <summary>Writes a file so that readers see either the old contents or the complete new contents, never a partial file.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> writeContents)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        // Same folder as the target so the final rename never crosses file systems.
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writeContents(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
