using System.Text.Json;
using System.Text.Json.Serialization;
using RlsEdit.Models;

namespace RlsEdit.World.Training;

/// <summary>
/// A model's recorded fact accuracy (<c>eval.json</c> in its folder): on every fact under every held-out
/// phrasing, on a fixed subset of those prompts (for fast checks), and under the training phrasings.
/// </summary>
public sealed record FactAccuracyReport(
    [property: JsonPropertyName("world_seed")] int WorldSeed,
    [property: JsonPropertyName("held_out_prompts")] int HeldOutPrompts,
    [property: JsonPropertyName("held_out_accuracy")] double HeldOutAccuracy,
    [property: JsonPropertyName("subset_stride")] int SubsetStride,
    [property: JsonPropertyName("held_out_subset_prompts")] int HeldOutSubsetPrompts,
    [property: JsonPropertyName("held_out_subset_accuracy")] double HeldOutSubsetAccuracy,
    [property: JsonPropertyName("training_phrasing_accuracy")] double TrainingPhrasingAccuracy)
{
    /// <summary>The file name inside a model folder.</summary>
    public const string FileName = "eval.json";
    /// <summary>
    /// Every n-th held-out prompt forms the fast subset. Prompts come in (fact × two phrasings) order, so an odd
    /// stride alternates between the phrasings; an even one would only ever test the first.
    /// </summary>
    public const int DefaultStride = 11;

    /// <summary>Measures <paramref name="model"/> on <paramref name="world"/>.</summary>
    public static FactAccuracyReport Measure(TransformerModel<float> model, FactWorld world, WorldTokenizer tokenizer) =>
        FactEvaluator.Score(model, tokenizer, world).Report();

    /// <summary>Writes the report to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicWrite.Bytes(path, s => JsonSerializer.Serialize(s, this, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Reads a report.</summary>
    public static FactAccuracyReport Load(string path) =>
        JsonSerializer.Deserialize<FactAccuracyReport>(File.ReadAllBytes(path)) ?? throw new InvalidDataException($"'{path}' holds no accuracy report.");
}
