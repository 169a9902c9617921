using RlsEdit.Models;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>General ability on what no edit touches: top-1 accuracy on held-out facts and perplexity on held-out text.</summary>
/// <param name="FactAccuracy">Fraction of facts whose object's first token is the argmax after the prompt, ×100.</param>
/// <param name="Perplexity">exp(mean NLL) over every predicted token of the held-out texts.</param>
/// <param name="Facts">How many facts were scored.</param>
public sealed record GeneralAbility(double FactAccuracy, double Perplexity, int Facts)
{
    /// <summary>Measures <paramref name="heldOut"/> on <paramref name="model"/>.</summary>
    public static GeneralAbility Measure(TransformerModel<float> model, PromptEncoder encoder, HeldOutSet heldOut)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(heldOut);
        var factQueries = heldOut.Facts.Select(f => (encoder.Encode(f.Prompt), encoder.EncodeTarget(f.Target)[..1])).ToList();
        var facts = TeacherForcing.Score(model, factQueries);
        double accuracy = facts.Length == 0 ? double.NaN : 100.0 * facts.Count(s => s.AllCorrect) / facts.Length;

        var textQueries = heldOut.Text.Select(t => encoder.Encode(t)).Where(ids => ids.Length >= 2)
            .Select(ids => ids[..Math.Min(ids.Length, model.Config.MaxSequenceLength)]).Select(ids => (ids[..1], ids[1..])).ToList();
        var text = TeacherForcing.Score(model, textQueries);
        double nll = 0;
        long tokens = 0;
        foreach (var s in text)
        {
            nll += s.MeanNll * s.Tokens;
            tokens += s.Tokens;
        }
        return new GeneralAbility(accuracy, tokens == 0 ? double.NaN : Math.Exp(nll / tokens), facts.Length);
    }
}
