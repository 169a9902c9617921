using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>What an edit run does and where it writes.</summary>
public sealed record EditRunOptions
{
    /// <summary>The model folder (config.json, safetensors, tokenizer).</summary>
    public required string ModelDirectory { get; init; }
    /// <summary>The edit stream, in order.</summary>
    public required IReadOnlyList<CounterFactRecord> Cases { get; init; }
    /// <summary>The hyper-parameters.</summary>
    public required EditHyperParameters HyperParameters { get; init; }
    /// <summary>The per-layer update rule.</summary>
    public EditorKind Editor { get; init; } = EditorKind.RlsEdit;
    /// <summary>Edits per batch (≥ 1).</summary>
    public int BatchSize { get; init; } = 1;
    /// <summary>The run folder.</summary>
    public required string OutputDirectory { get; init; }
    /// <summary>Continue from the run folder's checkpoint instead of refusing a non-empty folder.</summary>
    public bool Resume { get; init; }
    /// <summary>Write a checkpoint after the first batch that completes at least this many edits since the last one (0: never).</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Re-evaluate efficacy and retention after the batch that completes every this many edits (0: only at the end).</summary>
    public int EvaluateEvery { get; init; }
    /// <summary>How many of the first edits form the retention probe; 0 picks 10 % of the stream (at least 1).</summary>
    public int RetentionCases { get; init; }
    /// <summary>Held-out facts and text for general ability (null: not measured).</summary>
    public HeldOutSet? HeldOut { get; init; }
    /// <summary>Texts the key second moments are estimated from (the first <c>mom2_n_samples</c> are used).</summary>
    public required IReadOnlyList<string> StatisticsTexts { get; init; }
    /// <summary>Where context templates and second moments are cached (null: <c>OutputDirectory/cache</c>).</summary>
    public string? CacheDirectory { get; init; }
    /// <summary>How many cases get generations for the fluency metric at the end.</summary>
    public int FluencyCases { get; init; } = 50;
    /// <summary>Write the edited model folder into <c>OutputDirectory/model</c> at the end.</summary>
    public bool SaveModel { get; init; } = true;
    /// <summary>Stop after this many edits (to simulate an interruption in tests); null runs the whole stream.</summary>
    public int? StopAfter { get; init; }

    /// <summary>Checks the options against each other before any work starts.</summary>
    /// <exception cref="EditInputException">An option is out of range.</exception>
    public void Validate()
    {
        if (BatchSize < 1) throw new EditInputException("--batch-size", "≥ 1", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (CheckpointEvery < 0) throw new EditInputException("--checkpoint-every", "≥ 0", CheckpointEvery.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (EvaluateEvery < 0) throw new EditInputException("--eval-every", "≥ 0", EvaluateEvery.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (RetentionCases < 0) throw new EditInputException("--retention", "≥ 0", RetentionCases.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Cases.Count == 0) throw new EditInputException("--edits", "at least one edit case", "none");
        EditCases.Validate(Cases);
        HyperParameters.Validate("hparams");
    }
}
