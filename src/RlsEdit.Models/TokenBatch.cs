namespace RlsEdit.Models;

/// <summary>
/// B token sequences of a common length T, left-padded: sequence b's first <see cref="PadCounts"/>[b] slots are
/// padding (masked out of attention; their outputs are meaningless) and its real tokens take positions 0, 1, …
/// Rows of every activation matrix are numbered b·T + t.
/// </summary>
public sealed class TokenBatch
{
    /// <summary>Number of sequences B.</summary>
    public int BatchSize { get; }
    /// <summary>Padded length T.</summary>
    public int Length { get; }
    /// <summary>Token ids, [B·T] row-major; padding slots hold the pad id.</summary>
    public IReadOnlyList<int> Ids { get; }
    /// <summary>Leading padding slots of each sequence.</summary>
    public IReadOnlyList<int> PadCounts { get; }

    private TokenBatch(int batchSize, int length, int[] ids, int[] padCounts)
    {
        BatchSize = batchSize; Length = length; Ids = ids; PadCounts = padCounts;
    }

    /// <summary>One sequence, no padding.</summary>
    public static TokenBatch Single(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) throw new ModelInputException("TokenBatch", nameof(ids), "at least one token", "an empty sequence");
        return new TokenBatch(1, ids.Count, ids.ToArray(), [0]);
    }

    /// <summary>Left-pads <paramref name="sequences"/> with <paramref name="padId"/> to the longest one.</summary>
    public static TokenBatch LeftPadded(IReadOnlyList<IReadOnlyList<int>> sequences, int padId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0 || sequences.Any(s => s is null || s.Count == 0))
            throw new ModelInputException("TokenBatch", nameof(sequences), "one or more non-empty sequences", "an empty batch or sequence");
        int length = sequences.Max(s => s.Count);
        var ids = new int[sequences.Count * length];
        var pads = new int[sequences.Count];
        for (int b = 0; b < sequences.Count; b++)
        {
            pads[b] = length - sequences[b].Count;
            for (int t = 0; t < length; t++) ids[b * length + t] = t < pads[b] ? padId : sequences[b][t - pads[b]];
        }
        return new TokenBatch(sequences.Count, length, ids, pads);
    }

    /// <summary>The activation row of slot <paramref name="position"/> of sequence <paramref name="sequence"/>.</summary>
    public int Row(int sequence, int position)
    {
        if ((uint)sequence >= (uint)BatchSize || (uint)position >= (uint)Length)
            throw new ModelInputException("TokenBatch.Row", nameof(position), $"sequence < {BatchSize} and slot < {Length}", $"({sequence}, {position})");
        return sequence * Length + position;
    }

    /// <summary>The row of the last slot of every sequence (where next-token logits are read).</summary>
    public int LastRow(int sequence) => Row(sequence, Length - 1);

    /// <summary>The attention mask, [B·T]: true for real tokens, false for padding.</summary>
    public bool[] AttentionMask()
    {
        var mask = new bool[BatchSize * Length];
        for (int b = 0; b < BatchSize; b++)
            for (int t = PadCounts[b]; t < Length; t++) mask[b * Length + t] = true;
        return mask;
    }
}
