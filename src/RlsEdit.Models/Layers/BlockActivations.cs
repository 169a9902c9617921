using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models.Layers;

/// <summary>Everything one block's forward pass keeps for its backward pass and for the hooks (N = B·T rows).</summary>
internal sealed class BlockActivations<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public BlockActivations(ModelConfig c, int rows, int keyLength, MatrixView<T> input)
    {
        int n = rows, d = c.HiddenSize, f = c.IntermediateSize, hd = c.HeadDim;
        Input = input;
        Ln1 = new Matrix<T>(n, d); Mean1 = new T[n]; Rstd1 = new T[n];
        Qkv = new Matrix<T>(n, (c.HeadCount + 2 * c.KeyValueHeadCount) * hd);
        Probabilities = new T[(long)n * c.HeadCount * keyLength <= Array.MaxLength
            ? n * c.HeadCount * keyLength
            : throw new ModelInputException("Forward", "tokens", "a batch whose attention matrix fits in one array", $"{n} rows × {keyLength} keys × {c.HeadCount} heads")];
        AttentionOutput = new Matrix<T>(n, c.HeadCount * hd);
        Mid = new Matrix<T>(n, d);
        Ln2 = new Matrix<T>(n, d); Mean2 = new T[n]; Rstd2 = new T[n];
        Pre = new Matrix<T>(n, f);
        Up = c.Architecture == ModelArchitecture.Llama ? new Matrix<T>(n, f) : null;
        Key = new Matrix<T>(n, f);
        Value = new Matrix<T>(n, d);
        Output = new Matrix<T>(n, d);
    }

    /// <summary>[N, D] residual stream entering the block.</summary>
    public MatrixView<T> Input { get; }
    /// <summary>[N, D] first norm output.</summary>
    public Matrix<T> Ln1 { get; }
    public T[] Mean1 { get; }
    public T[] Rstd1 { get; }
    /// <summary>[N, (H + 2·KV)·hd]: q | k | v, with RoPE already applied to q and k.</summary>
    public Matrix<T> Qkv { get; }
    /// <summary>[B, H, T, Tk] attention probabilities.</summary>
    public T[] Probabilities { get; }
    /// <summary>[N, H·hd] attention output before the output projection.</summary>
    public Matrix<T> AttentionOutput { get; }
    /// <summary>[N, D] residual after the attention half.</summary>
    public Matrix<T> Mid { get; }
    /// <summary>[N, D] second norm output.</summary>
    public Matrix<T> Ln2 { get; }
    public T[] Mean2 { get; }
    public T[] Rstd2 { get; }
    /// <summary>[N, F] GPT-2: c_fc output before GELU; Llama: gate projection before SiLU.</summary>
    public Matrix<T> Pre { get; }
    /// <summary>[N, F] Llama up projection (null for GPT-2).</summary>
    public Matrix<T>? Up { get; }
    /// <summary>[N, F] the down-projection input: the MLP key.</summary>
    public Matrix<T> Key { get; }
    /// <summary>[N, D] the down-projection output: the MLP value (before any injected delta).</summary>
    public Matrix<T> Value { get; }
    /// <summary>[N, D] residual stream leaving the block (includes injected deltas).</summary>
    public Matrix<T> Output { get; }
}
