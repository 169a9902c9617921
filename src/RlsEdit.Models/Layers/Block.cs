using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models.Layers;

/// <summary>
/// One pre-norm transformer block: x → x + Attn(Norm₁(x)) → (…) + MLP(Norm₂(…)). GPT-2 uses a fused Conv1D
/// q/k/v projection and a GELU MLP; the Llama family uses separate q/k/v projections with RoPE and a SwiGLU MLP.
/// </summary>
internal sealed class Block<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ModelConfig _config;
    public Norm<T> Norm1 { get; }
    public Norm<T> Norm2 { get; }
    /// <summary>GPT-2: one projection to q|k|v; Llama: q, k, v projections.</summary>
    public Linear<T>[] QkvProjections { get; }
    public Linear<T> OutputProjection { get; }
    /// <summary>GPT-2: c_fc; Llama: gate_proj.</summary>
    public Linear<T> InProjection { get; }
    /// <summary>Llama: up_proj; null for GPT-2.</summary>
    public Linear<T>? UpProjection { get; }
    /// <summary>GPT-2: mlp.c_proj; Llama: down_proj. Its input is the key, its output the value.</summary>
    public Linear<T> DownProjection { get; }
    private readonly Rope<T>? _rope;

    public Block(ModelConfig config, Norm<T> norm1, Norm<T> norm2, Linear<T>[] qkv, Linear<T> output,
        Linear<T> inProjection, Linear<T>? upProjection, Linear<T> downProjection)
    {
        _config = config;
        Norm1 = norm1; Norm2 = norm2; QkvProjections = qkv; OutputProjection = output;
        InProjection = inProjection; UpProjection = upProjection; DownProjection = downProjection;
        _rope = config.Architecture == ModelArchitecture.Llama ? new Rope<T>(config.HeadDim, config.RopeTheta, config.RopeScaling) : null;
    }

    private int QWidth => _config.HeadCount * _config.HeadDim;
    private int KvWidth => _config.KeyValueHeadCount * _config.HeadDim;
    private MatrixView<T> Q(MatrixView<T> qkv) => qkv.ColRange(0, QWidth);
    private MatrixView<T> K(MatrixView<T> qkv) => qkv.ColRange(QWidth, KvWidth);
    private MatrixView<T> V(MatrixView<T> qkv) => qkv.ColRange(QWidth + KvWidth, KvWidth);

    // a.Input: [N, D] → a.Output: [N, D]. With a cache, this block's keys/values of the new rows are appended
    // to it and attention reads all cached slots.
    public void Forward(BlockActivations<T> a, AttentionShape shape, int[] positions, KvCache<T>.LayerCache? cache)
    {
        Norm1.Forward(a.Input, a.Ln1, a.Mean1, a.Rstd1);
        ProjectQkv(a.Ln1, a.Qkv);
        if (_rope is not null)
        {
            _rope.Apply(Q(a.Qkv), positions, inverse: false);
            _rope.Apply(K(a.Qkv), positions, inverse: false);
        }
        MatrixView<T> keys = K(a.Qkv), values = V(a.Qkv);
        if (cache is not null)
        {
            K(a.Qkv).CopyTo(cache.Keys.View.RowRange(shape.Past, shape.Length));
            V(a.Qkv).CopyTo(cache.Values.View.RowRange(shape.Past, shape.Length));
            keys = cache.Keys.View.RowRange(0, shape.KeyLength);
            values = cache.Values.View.RowRange(0, shape.KeyLength);
        }
        Attention<T>.Forward(shape, Q(a.Qkv), keys, values, a.Probabilities, a.AttentionOutput);
        OutputProjection.Forward(a.AttentionOutput, a.Mid);
        Add(a.Mid, a.Input);

        Norm2.Forward(a.Mid, a.Ln2, a.Mean2, a.Rstd2);
        InProjection.Forward(a.Ln2, a.Pre);
        if (UpProjection is null)
        {
            Activations<T>.Gelu(a.Pre.Data, a.Key.Data);
        }
        else
        {
            UpProjection.Forward(a.Ln2, a.Up!);
            Activations<T>.SwiGlu(a.Pre.Data, a.Up!.Data, a.Key.Data);
        }
        DownProjection.Forward(a.Key, a.Value);
        a.Value.View.CopyTo(a.Output);
        Add(a.Output, a.Mid);
    }

    // dOut: [N, D] gradient w.r.t. a.Output → dInput: [N, D] (overwritten). Parameter gradients are accumulated when requested.
    public void Backward(BlockActivations<T> a, AttentionShape shape, int[] positions, MatrixView<T> dOut, MatrixView<T> dInput, bool parameterGradients)
    {
        int n = dOut.Rows, f = _config.IntermediateSize, d = _config.HiddenSize;
        bool pg = parameterGradients;

        // MLP half: out = mid + Down(act(In(Norm2(mid)))).
        var dKey = new Matrix<T>(n, f);
        DownProjection.Backward(a.Key, dOut, dKey, accumulate: false, pg);
        var dPre = new Matrix<T>(n, f);
        var dLn2 = new Matrix<T>(n, d);
        var pre = a.Pre.Data;
        if (UpProjection is null)
        {
            Activations<T>.GeluBackward(pre, dKey.Data, dPre.Data);
            InProjection.Backward(a.Ln2, dPre, dLn2, accumulate: false, pg);
        }
        else
        {
            var up = a.Up!.Data;
            var dUp = new Matrix<T>(n, f);
            for (int i = 0; i < pre.Length; i++)
            {
                dPre.Data[i] = dKey.Data[i] * up[i] * Activations<T>.SiluDerivative(pre[i]);
                dUp.Data[i] = dKey.Data[i] * Activations<T>.Silu(pre[i]);
            }
            InProjection.Backward(a.Ln2, dPre, dLn2, accumulate: false, pg);
            UpProjection.Backward(a.Ln2, dUp, dLn2, accumulate: true, pg);
        }
        var dMid = new Matrix<T>(n, d);
        dOut.CopyTo(dMid);
        Norm2.Backward(a.Mid, dLn2, dMid, a.Mean2, a.Rstd2, pg);

        // Attention half: mid = input + O(Attn(QKV(Norm1(input)))).
        var dAttn = new Matrix<T>(n, QWidth);
        OutputProjection.Backward(a.AttentionOutput, dMid, dAttn, accumulate: false, pg);
        var dQkv = new Matrix<T>(n, a.Qkv.Cols);
        Attention<T>.Backward(shape, Q(a.Qkv), K(a.Qkv), V(a.Qkv), a.Probabilities, dAttn, Q(dQkv), K(dQkv), V(dQkv));
        if (_rope is not null)
        {
            _rope.Apply(Q(dQkv), positions, inverse: true);
            _rope.Apply(K(dQkv), positions, inverse: true);
        }
        var dLn1 = new Matrix<T>(n, d);
        if (QkvProjections.Length == 1)
        {
            QkvProjections[0].Backward(a.Ln1, dQkv, dLn1, accumulate: false, pg);
        }
        else
        {
            QkvProjections[0].Backward(a.Ln1, Q(dQkv), dLn1, accumulate: false, pg);
            QkvProjections[1].Backward(a.Ln1, K(dQkv), dLn1, accumulate: true, pg);
            QkvProjections[2].Backward(a.Ln1, V(dQkv), dLn1, accumulate: true, pg);
        }
        dMid.View.CopyTo(dInput);
        Norm1.Backward(a.Input, dLn1, dInput, a.Mean1, a.Rstd1, pg);
    }

    private void ProjectQkv(MatrixView<T> x, MatrixView<T> qkv)
    {
        if (QkvProjections.Length == 1)
        {
            QkvProjections[0].Forward(x, qkv);
            return;
        }
        QkvProjections[0].Forward(x, Q(qkv));
        QkvProjections[1].Forward(x, K(qkv));
        QkvProjections[2].Forward(x, V(qkv));
    }

    private static void Add(MatrixView<T> target, MatrixView<T> source)
    {
        for (int i = 0; i < target.Rows; i++)
        {
            var t = target.RowSpan(i);
            var s = source.RowSpan(i);
            for (int j = 0; j < t.Length; j++) t[j] += s[j];
        }
    }
}
