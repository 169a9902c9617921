using System.Text.Json.Serialization;

namespace RlsEdit.Editing;

/// <summary>Metrics measured during the stream after <paramref name="Edits"/> edits.</summary>
/// <param name="Edits">Edits applied so far.</param>
/// <param name="Efficacy">Efficacy success over every edit so far, ×100.</param>
/// <param name="Paraphrase">Paraphrase success over every edit so far, ×100.</param>
/// <param name="Neighborhood">Neighbourhood success over every edit so far, ×100.</param>
/// <param name="RetentionCases">Size of the retention probe (the first edits of the stream, or fewer while fewer are done).</param>
/// <param name="RetentionRewriteCorrect">Exact-match accuracy of target_new on the probe's rewrite prompts, ×100.</param>
/// <param name="RetentionRewriteSuccess">Efficacy success on the probe, ×100.</param>
/// <param name="RetentionParaphraseCorrect">Exact-match accuracy on the probe's paraphrases, ×100.</param>
/// <param name="RetentionNeighborhoodCorrect">Exact-match accuracy of target_true on the probe's neighbours, ×100.</param>
/// <param name="HeldOutFactAccuracy">Accuracy on held-out unedited facts, ×100 (null without a held-out set).</param>
public sealed record StreamPoint(
    [property: JsonPropertyName("edits")] int Edits,
    [property: JsonPropertyName("efficacy")] double Efficacy,
    [property: JsonPropertyName("paraphrase")] double Paraphrase,
    [property: JsonPropertyName("neighborhood")] double Neighborhood,
    [property: JsonPropertyName("retention_cases")] int RetentionCases,
    [property: JsonPropertyName("retention_rewrite_correct")] double RetentionRewriteCorrect,
    [property: JsonPropertyName("retention_rewrite_success")] double RetentionRewriteSuccess,
    [property: JsonPropertyName("retention_paraphrase_correct")] double RetentionParaphraseCorrect,
    [property: JsonPropertyName("retention_neighborhood_correct")] double RetentionNeighborhoodCorrect,
    [property: JsonPropertyName("held_out_fact_accuracy")] double? HeldOutFactAccuracy);

/// <summary>The position of a checkpoint (the key/value batches themselves are in <c>checkpoint/edits.npz</c>).</summary>
/// <param name="Edits">Edits applied.</param>
/// <param name="Batches">Batches applied (= batches stored).</param>
/// <param name="Editor">The editor's name (a checkpoint of another editor is refused).</param>
/// <param name="BatchSize">The batch size (a checkpoint with another one is refused).</param>
/// <param name="Points">Stream points measured so far.</param>
/// <param name="ElapsedSeconds">Editing time so far.</param>
public sealed record CheckpointState(
    [property: JsonPropertyName("edits")] int Edits,
    [property: JsonPropertyName("batches")] int Batches,
    [property: JsonPropertyName("editor")] string Editor,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("points")] IReadOnlyList<StreamPoint> Points,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds);

/// <summary>The run's <c>summary.json</c>.</summary>
public sealed record RunSummary
{
    /// <summary>Editor name.</summary>
    [JsonPropertyName("editor")] public required string Editor { get; init; }
    /// <summary>Edits applied.</summary>
    [JsonPropertyName("num_edits")] public required int Edits { get; init; }
    /// <summary>Batch size.</summary>
    [JsonPropertyName("batch_size")] public required int BatchSize { get; init; }
    /// <summary>Metrics of the edited cases on the unedited model.</summary>
    [JsonPropertyName("pre")] public required EvaluationSummary Pre { get; init; }
    /// <summary>Metrics of the edited cases after the whole stream.</summary>
    [JsonPropertyName("post")] public required EvaluationSummary Post { get; init; }
    /// <summary>General ability before editing (null without a held-out set).</summary>
    [JsonPropertyName("general_pre")] public GeneralAbility? GeneralPre { get; init; }
    /// <summary>General ability after the stream.</summary>
    [JsonPropertyName("general_post")] public GeneralAbility? GeneralPost { get; init; }
    /// <summary>Efficacy and retention during the stream.</summary>
    [JsonPropertyName("stream")] public required IReadOnlyList<StreamPoint> Stream { get; init; }
    /// <summary>Seconds spent editing (v*, keys, updates; not evaluation).</summary>
    [JsonPropertyName("edit_seconds")] public required double EditSeconds { get; init; }
}

/// <summary>Progress of a run, for progress bars.</summary>
/// <param name="Edits">Edits applied.</param>
/// <param name="Total">Edits in the stream.</param>
/// <param name="Stage">What the run is doing.</param>
public readonly record struct RunProgress(int Edits, int Total, string Stage);
