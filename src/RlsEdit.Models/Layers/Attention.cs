using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models.Layers;

/// <summary>
/// Causal scaled dot-product attention with grouped-query heads and left padding. Query t of sequence b sits at
/// absolute slot past + t and attends to key slots j with pad[b] ≤ j ≤ past + t; a padding query attends to
/// nothing and outputs zero.
/// </summary>
internal readonly record struct AttentionShape(int Batch, int Length, int Past, int Heads, int KeyValueHeads, int HeadDim, int[] Pad)
{
    public int KeyLength => Past + Length;
    public int Group => Heads / KeyValueHeads;
    public int FirstKey(int b) => Pad[b];
}

internal static class Attention<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // q: [B·T, H·hd], k, v: [B·Tk, KV·hd] (sequence b's keys start at row b·Tk), probs: [B, H, T, Tk] → out: [B·T, H·hd]
    public static void Forward(AttentionShape s, MatrixView<T> q, MatrixView<T> k, MatrixView<T> v, T[] probs, MatrixView<T> output)
    {
        int hd = s.HeadDim, tk = s.KeyLength;
        T scale = T.One / T.Sqrt(T.CreateChecked(hd));
        ForEachGroup(s, (b, kvh) =>
        {
            for (int h = kvh * s.Group; h < (kvh + 1) * s.Group; h++)
            {
                for (int t = 0; t < s.Length; t++)
                {
                    var p = probs.AsSpan(((b * s.Heads + h) * s.Length + t) * tk, tk);
                    p.Clear();
                    var o = output.RowSpan(b * s.Length + t).Slice(h * hd, hd);
                    o.Clear();
                    int first = s.FirstKey(b), last = s.Past + t;
                    if (last < first) continue;
                    var qr = q.RowSpan(b * s.Length + t).Slice(h * hd, hd);
                    T max = T.NegativeInfinity;
                    for (int j = first; j <= last; j++)
                    {
                        p[j] = scale * Dot(qr, k.RowSpan(b * tk + j).Slice(kvh * hd, hd));
                        max = T.Max(max, p[j]);
                    }
                    T sum = T.Zero;
                    for (int j = first; j <= last; j++) { p[j] = T.Exp(p[j] - max); sum += p[j]; }
                    for (int j = first; j <= last; j++)
                    {
                        p[j] /= sum;
                        Axpy(p[j], v.RowSpan(b * tk + j).Slice(kvh * hd, hd), o);
                    }
                }
            }
        });
    }

    // dout: [B·T, H·hd] → dq: [B·T, H·hd], dk, dv: [B·Tk, KV·hd] (all overwritten).
    // With P = softmax(S), S = scale·q·kᵀ:  dP = dout·vᵀ,  dS = P ∘ (dP − rowsum(P ∘ dP)),  dq = scale·dS·k,  dk = scale·dSᵀ·q,  dv = Pᵀ·dout.
    public static void Backward(AttentionShape s, MatrixView<T> q, MatrixView<T> k, MatrixView<T> v, T[] probs, MatrixView<T> dout,
        MatrixView<T> dq, MatrixView<T> dk, MatrixView<T> dv)
    {
        int hd = s.HeadDim, tk = s.KeyLength;
        T scale = T.One / T.Sqrt(T.CreateChecked(hd));
        dq.Fill(T.Zero); dk.Fill(T.Zero); dv.Fill(T.Zero);
        ForEachGroup(s, (b, kvh) =>
        {
            var dp = new T[tk];
            for (int h = kvh * s.Group; h < (kvh + 1) * s.Group; h++)
            {
                for (int t = 0; t < s.Length; t++)
                {
                    int first = s.FirstKey(b), last = s.Past + t;
                    if (last < first) continue;
                    var p = probs.AsSpan(((b * s.Heads + h) * s.Length + t) * tk, tk);
                    var dor = dout.RowSpan(b * s.Length + t).Slice(h * hd, hd);
                    var qr = q.RowSpan(b * s.Length + t).Slice(h * hd, hd);
                    var dqr = dq.RowSpan(b * s.Length + t).Slice(h * hd, hd);
                    T weighted = T.Zero;
                    for (int j = first; j <= last; j++)
                    {
                        dp[j] = Dot(dor, v.RowSpan(b * tk + j).Slice(kvh * hd, hd));
                        weighted += p[j] * dp[j];
                    }
                    for (int j = first; j <= last; j++)
                    {
                        T ds = p[j] * (dp[j] - weighted) * scale;
                        Axpy(ds, k.RowSpan(b * tk + j).Slice(kvh * hd, hd), dqr);
                        Axpy(ds, qr, dk.RowSpan(b * tk + j).Slice(kvh * hd, hd));
                        Axpy(p[j], dor, dv.RowSpan(b * tk + j).Slice(kvh * hd, hd));
                    }
                }
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every (sequence, key/value head) pair, in parallel up to
    /// <see cref="LinearAlgebra.MaxDegreeOfParallelism"/> threads. Each pair owns its query heads' rows of the
    /// outputs and its own key/value columns, so no two pairs write the same element and results do not depend
    /// on the thread count.
    /// </summary>
    private static void ForEachGroup(AttentionShape s, Action<int, int> body)
    {
        int groups = s.Batch * s.KeyValueHeads;
        int threads = LinearAlgebra.MaxDegreeOfParallelism;
        // Below ~64k multiply-adds per pass the fork/join costs more than it saves.
        long work = (long)s.Batch * s.Heads * s.Length * s.KeyLength * s.HeadDim;
        if (threads == 1 || groups == 1 || work < 1 << 16)
        {
            for (int g = 0; g < groups; g++) body(g / s.KeyValueHeads, g % s.KeyValueHeads);
            return;
        }
        Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = threads }, g => body(g / s.KeyValueHeads, g % s.KeyValueHeads));
    }

    private static T Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        if (typeof(T) == typeof(float))
        {
            var af = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(a);
            var bf = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(b);
            return T.CreateTruncating(System.Numerics.Tensors.TensorPrimitives.Dot(af, bf));
        }
        T sum = T.Zero;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(T alpha, ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
