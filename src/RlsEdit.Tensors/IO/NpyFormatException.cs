namespace RlsEdit.Tensors;

/// <summary>
/// An <see cref="IOException"/> thrown when a NumPy <c>.npy</c>/<c>.npz</c> file (or one entry of an archive) cannot be read or does not hold what
/// the caller asked for: names the file or entry, what was expected and what was found.
/// </summary>
public sealed class NpyFormatException : IOException
{
    /// <summary>The file path, archive entry (<c>archive.npz:name.npy</c>) or stream description.</summary>
    public string SourceName { get; }
    /// <summary>What the reader expected, e.g. "a little-endian float32, float64, int64 or int32 dtype".</summary>
    public string Expected { get; }
    /// <summary>What it found, e.g. "'&gt;f8' (big endian)".</summary>
    public string Found { get; }

    /// <summary>Creates the exception.</summary>
    public NpyFormatException(string sourceName, string what, string expected, string found, Exception? inner = null)
        : base($"{sourceName}: {what}: expected {expected}, found {found}.", inner)
    {
        SourceName = sourceName; Expected = expected; Found = found;
    }
}
