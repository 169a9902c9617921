using RlsEdit.Tensors;

namespace RlsEdit.Onnx;

/// <summary>
/// A batch of token sequences laid out [B, T] with padding, as ONNX Runtime inputs: ids, attention mask (1 = token),
/// and which rows b·T + t of an output hold real tokens.
/// </summary>
internal sealed class Pad
{
    public int Batch { get; }
    public int Length { get; }
    public int Rows => Batch * Length;
    public long[] Ids { get; }
    public long[] Mask { get; }
    private readonly int[] _lengths;
    private readonly PaddingSide _side;

    private Pad(int batch, int length, long[] ids, long[] mask, int[] lengths, PaddingSide side)
    {
        Batch = batch; Length = length; Ids = ids; Mask = mask; _lengths = lengths; _side = side;
    }

    /// <summary><paramref name="batch"/> unpadded sequences of <paramref name="length"/> tokens.</summary>
    public static Pad Equal(ReadOnlySpan<int> ids, int batch, int length)
    {
        var data = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++) data[i] = ids[i];
        return new Pad(batch, length, data, Enumerable.Repeat(1L, ids.Length).ToArray(), Enumerable.Repeat(length, batch).ToArray(), PaddingSide.Right);
    }

    /// <summary>Sequences padded with <paramref name="padId"/> on <paramref name="side"/> to the longest one.</summary>
    /// <exception cref="ArgumentException">No sequences, or an empty one.</exception>
    public static Pad Of(IReadOnlyList<int[]> sequences, PaddingSide side, int padId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0 || sequences.Any(s => s is null || s.Length == 0))
            throw new ArgumentException("OnnxKeyCapture: expected one or more non-empty sequences, got an empty batch or sequence.", nameof(sequences));
        int length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * length];
        var mask = new long[ids.Length];
        Array.Fill(ids, padId);
        for (int b = 0; b < sequences.Count; b++)
        {
            int start = b * length + (side == PaddingSide.Left ? length - sequences[b].Length : 0);
            for (int t = 0; t < sequences[b].Length; t++)
            {
                ids[start + t] = sequences[b][t];
                mask[start + t] = 1;
            }
        }
        return new Pad(sequences.Count, length, ids, mask, sequences.Select(s => s.Length).ToArray(), side);
    }

    /// <summary>Position ids: real tokens count 0, 1, … whatever the padding; padding slots get 0.</summary>
    public long[] Positions()
    {
        var positions = new long[Ids.Length];
        for (int b = 0; b < Batch; b++)
        {
            long next = 0;
            for (int t = 0; t < Length; t++)
                if (Mask[b * Length + t] != 0) positions[b * Length + t] = next++;
        }
        return positions;
    }

    /// <summary>The real tokens' rows of a [B·T, W] output, sequence after sequence.</summary>
    public Matrix<float> RealRows(Matrix<float> all)
    {
        if (_lengths.All(l => l == Length)) return all;
        var real = new Matrix<float>(_lengths.Sum(), all.Cols);
        int row = 0;
        for (int b = 0; b < Batch; b++)
        {
            int first = b * Length + (_side == PaddingSide.Left ? Length - _lengths[b] : 0);
            all.View.Slice(first, 0, _lengths[b], all.Cols).CopyTo(real.View.Slice(row, 0, _lengths[b], all.Cols));
            row += _lengths[b];
        }
        return real;
    }
}
