namespace RlsEdit.Onnx;

/// <summary>
/// An ONNX model could not be used: the file is not a valid ModelProto, or the graph lacks what an operation
/// looked for (an MLP down-projection, an editable weight initializer, a token-id input).
/// </summary>
public sealed class OnnxModelException : IOException
{
    /// <summary>The file or graph the problem was found in.</summary>
    public string ModelSource { get; }
    /// <summary>What was looked for or expected.</summary>
    public string Expected { get; }
    /// <summary>What was found instead.</summary>
    public string Found { get; }

    /// <summary>Creates the exception; the message names the source, the problem, the expectation and the finding.</summary>
    public OnnxModelException(string source, string what, string expected, string found, Exception? inner = null)
        : base($"{source}: {what}: expected {expected}, found {found}.", inner)
    {
        ModelSource = source; Expected = expected; Found = found;
    }
}
