namespace RlsEdit.Models;

/// <summary>
/// An input given to a model does not fit it (a token id outside the vocabulary, a sequence longer than the
/// model's context, a layer index out of range, …): names the argument, what was expected and what was given.
/// </summary>
public sealed class ModelInputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ModelInputException(string operation, string argument, string expected, string actual)
        : base($"{operation}: '{argument}' is invalid: expected {expected}, got {actual}.", argument)
    {
    }
}
