namespace RlsEdit.Onnx.Statistics;

/// <summary>How <see cref="StatisticsRun"/> walks the corpus.</summary>
public sealed record StatisticsOptions
{
    /// <summary>Stop after this many tokens.</summary>
    public required long MaxTokens { get; init; }
    /// <summary>Tokens per window (sequence); capped by the model's context.</summary>
    public int SequenceLength { get; init; } = 128;
    /// <summary>
    /// Whether windows stay inside one document (true) or run across document boundaries (false, the default: every
    /// window but the last is full). Windows of unequal lengths in one batch are padded (see <see cref="IKeySource.Keys(IReadOnlyList{int[]})"/>).
    /// </summary>
    public bool PerDocument { get; init; }
    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Write a checkpoint after this many batches.</summary>
    public int CheckpointEveryBatches { get; init; } = 16;
}
