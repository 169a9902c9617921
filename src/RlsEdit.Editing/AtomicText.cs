using System.Text;

namespace RlsEdit.Editing;

/// <summary>Writes files through a temporary file in the same folder and a rename, so readers never see a partial file.</summary>
internal static class AtomicText
{
    public static void Write(string path, string contents) => WriteBytes(path, Encoding.UTF8.GetBytes(contents));

    public static void WriteBytes(string path, byte[] contents)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
