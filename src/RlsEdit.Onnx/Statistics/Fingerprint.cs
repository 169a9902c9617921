using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RlsEdit.Onnx.Statistics;

/// <summary>SHA-256 fingerprints, stored in .npz files as four big-endian int64 words.</summary>
public static class Fingerprint
{
    /// <summary>SHA-256 of the files, in order (each file's name and contents).</summary>
    public static byte[] OfFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path) + "\n"));
            using var stream = File.OpenRead(path);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer.AsSpan(0, read));
        }
        return hash.GetHashAndReset();
    }

    /// <summary>SHA-256 of a string (UTF-8).</summary>
    public static byte[] OfText(string text) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The 32 bytes as four big-endian int64 words.</summary>
    public static long[] ToWords(byte[] sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        if (sha256.Length != 32) throw new ArgumentException($"Fingerprint.ToWords: expected 32 bytes, got {sha256.Length}.", nameof(sha256));
        var words = new long[4];
        for (int i = 0; i < 4; i++) words[i] = BinaryPrimitives.ReadInt64BigEndian(sha256.AsSpan(8 * i, 8));
        return words;
    }

    /// <summary>Lower-case hex of four words written by <see cref="ToWords"/>.</summary>
    public static string ToHex(long[] words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var bytes = new byte[8 * words.Length];
        for (int i = 0; i < words.Length; i++) BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8 * i, 8), words[i]);
        return Convert.ToHexStringLower(bytes);
    }
}
