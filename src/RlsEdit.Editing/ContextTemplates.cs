using System.Text.Json;
using RlsEdit.Models;

namespace RlsEdit.Editing;

/// <summary>
/// The context templates keys and v* are averaged over (MEMIT's <c>get_context_templates</c>): group A is the bare
/// prompt <c>{}</c>; group B holds short texts the model generates from fixed seed words, each followed by <c>". {}"</c>.
/// Generated once per model and cached as JSON, as the reference does.
/// </summary>
/// <param name="Groups">Template groups; keys are averaged within a group, then over groups.</param>
public sealed record ContextTemplates(IReadOnlyList<IReadOnlyList<string>> Groups)
{
    /// <summary>The seed words of the reference.</summary>
    public static IReadOnlyList<string> SeedWords { get; } = ["The", "Therefore", "Because", "I", "You"];

    /// <summary>Only the bare prompt (no generated contexts).</summary>
    public static ContextTemplates BareOnly { get; } = new([["{}"]]);

    /// <summary>Every template, group by group.</summary>
    public IEnumerable<string> All => Groups.SelectMany(g => g);

    /// <summary>
    /// Generates <paramref name="length"/> tokens from each seed word (sampling from the top 5 with a fixed seed, as
    /// <c>generate_fast</c> does), or reads them from <paramref name="cachePath"/> when it exists.
    /// </summary>
    public static ContextTemplates LoadOrGenerate(TransformerModel<float> model, PromptEncoder encoder, string? cachePath, int length = 10)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        if (cachePath is not null && File.Exists(cachePath))
        {
            var cached = JsonSerializer.Deserialize<List<List<string>>>(File.ReadAllText(cachePath));
            if (cached is { Count: > 0 }) return new ContextTemplates(cached.Select(g => (IReadOnlyList<string>)g).ToList());
        }
        var generated = new List<string>();
        for (int s = 0; s < SeedWords.Count; s++)
        {
            var seed = encoder.Encode(SeedWords[s]);
            if (seed.Length == 0) continue;
            int room = Math.Min(length, model.Config.MaxSequenceLength - seed.Length);
            var options = new GenerationOptions(room, Temperature: 1.0, TopK: 5, Seed: s + 1, StopTokenId: model.Config.EosTokenId);
            var ids = Generation.Generate(model, seed, options).Where(id => id != model.Config.EosTokenId);
            string text = encoder.Decode([.. seed, .. ids]).Replace("{", "", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal)
                .Replace("\n", " ", StringComparison.Ordinal).Trim();
            generated.Add(text + ". {}");
        }
        var templates = new ContextTemplates([["{}"], generated]);
        if (cachePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cachePath))!);
            AtomicText.Write(cachePath, JsonSerializer.Serialize(templates.Groups, new JsonSerializerOptions { WriteIndented = true }));
        }
        return templates;
    }
}
