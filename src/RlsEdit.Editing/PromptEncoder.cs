using Microsoft.ML.Tokenizers;

namespace RlsEdit.Editing;

/// <summary>A tokenised prompt and the position of the token where keys are read and v*'s δ is injected.</summary>
/// <param name="Ids">Token ids.</param>
/// <param name="LookupIndex">Index into <paramref name="Ids"/> of the subject's last token (or the last token).</param>
public sealed record EncodedPrompt(int[] Ids, int LookupIndex);

/// <summary>
/// Tokenises prompts so that the subject's last token is known exactly: the text up to the end of the subject and the
/// rest are encoded separately and concatenated (the reference finds the index by encoding the prefix; splitting the
/// text there keeps the two consistent for every BPE).
/// </summary>
public sealed class PromptEncoder
{
    private readonly Tokenizer _tokenizer;

    /// <summary>Wraps <paramref name="tokenizer"/>.</summary>
    public PromptEncoder(Tokenizer tokenizer) => _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));

    /// <summary>Encodes plain text.</summary>
    public int[] Encode(string text) => text.Length == 0 ? [] : _tokenizer.EncodeToIds(text).ToArray();

    /// <summary>Decodes ids to text.</summary>
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids) ?? "";

    /// <summary>
    /// Encodes <paramref name="template"/> (one <c>{}</c>) with <paramref name="subject"/> put in; the lookup index is the
    /// subject's last token, or the last token when <paramref name="lastTokenOnly"/>.
    /// </summary>
    /// <exception cref="EditInputException">The template has no <c>{}</c> or the subject encodes to no token.</exception>
    public EncodedPrompt EncodeWithSubject(string template, string subject, bool lastTokenOnly = false)
    {
        int at = template.IndexOf("{}", StringComparison.Ordinal);
        if (at < 0) throw new EditInputException("prompt", "a '{}' for the subject", $"'{template}'");
        var head = Encode(template[..at] + subject);
        if (head.Length == 0) throw new EditInputException("subject", "text that encodes to at least one token", $"'{subject}'");
        var tail = Encode(template[(at + 2)..]);
        int[] ids = [.. head, .. tail];
        return new EncodedPrompt(ids, lastTokenOnly ? ids.Length - 1 : head.Length - 1);
    }

    /// <summary>
    /// Encodes a filled prompt that mentions <paramref name="subject"/> (paraphrases, neighbours): the subject's last
    /// occurrence is the lookup point.
    /// </summary>
    public EncodedPrompt EncodeMentioning(string prompt, string subject)
    {
        int at = prompt.LastIndexOf(subject, StringComparison.Ordinal);
        if (at < 0) return new EncodedPrompt(Encode(prompt), Encode(prompt).Length - 1);
        return EncodeWithSubject(prompt[..at] + "{}" + prompt[(at + subject.Length)..], subject);
    }

    /// <summary>The ids of a target object as CounterFact scores it: with a leading space.</summary>
    /// <exception cref="EditInputException">The target encodes to no token.</exception>
    public int[] EncodeTarget(string target)
    {
        var ids = Encode(" " + target);
        if (ids.Length == 0) throw new EditInputException("target", "text that encodes to at least one token", $"'{target}'");
        return ids;
    }
}
