namespace RlsEdit.Editing;

/// <summary>An edit run's input (an edit case, the hyper-parameters, an option) is invalid; raised before any work starts.</summary>
public sealed class EditInputException : ArgumentException
{
    /// <summary>Creates the error: <paramref name="where"/> names the input, <paramref name="expected"/> and <paramref name="got"/> say what is wrong.</summary>
    public EditInputException(string where, string expected, string got)
        : base($"{where}: expected {expected}, got {got}.")
    {
        Where = where;
    }

    /// <summary>The input that is invalid (e.g. <c>case 12: requested_rewrite.prompt</c>).</summary>
    public string Where { get; }
}
