namespace RlsEdit.Models;

/// <summary>The block families this runtime implements.</summary>
public enum ModelArchitecture
{
    /// <summary>GPT-2: learned positions, LayerNorm, fused Conv1D q/k/v, tanh-GELU MLP.</summary>
    Gpt2,
    /// <summary>Llama family (also Qwen2 and Llama-compatible Mistral): RMSNorm, RoPE, grouped-query attention, SwiGLU MLP.</summary>
    Llama,
}
