namespace RlsEdit.Models;

/// <summary>
/// A model file (config.json, a safetensors header, a shard index) is malformed or does not describe a supported
/// model: names the file, what was wrong, what was expected and what was found.
/// </summary>
public sealed class ModelFormatException : IOException
{
    /// <summary>The file that was rejected.</summary>
    public string FilePath { get; }

    /// <summary>Creates the exception.</summary>
    public ModelFormatException(string filePath, string problem)
        : base($"{Path.GetFileName(filePath)}: {problem}")
    {
        FilePath = filePath;
    }

    /// <summary>Creates the exception, wrapping the error that revealed the problem.</summary>
    public ModelFormatException(string filePath, string problem, Exception inner)
        : base($"{Path.GetFileName(filePath)}: {problem}", inner)
    {
        FilePath = filePath;
    }
}
