namespace RlsEdit.World;

/// <summary>Text that contains a word the world's vocabulary does not have.</summary>
public sealed class WorldTextException : Exception
{
    /// <summary>The unknown word (as a pre-token, with its leading space if any).</summary>
    public string Word { get; } = "";

    /// <summary>Creates the exception for <paramref name="word"/> met in <paramref name="operation"/>.</summary>
    public WorldTextException(string operation, string word)
        : base($"{operation}: the word '{word}' is not in the world's vocabulary (expected only words of the world's phrasings, names and objects).")
    {
        Word = word;
    }

    /// <summary>Creates the exception with a message.</summary>
    public WorldTextException() { }

    /// <summary>Creates the exception with a message.</summary>
    public WorldTextException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public WorldTextException(string message, Exception inner) : base(message, inner) { }
}
