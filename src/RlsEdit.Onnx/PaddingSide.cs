namespace RlsEdit.Onnx;

/// <summary>Where the padding of shorter sequences goes in a batch of unequal lengths.</summary>
public enum PaddingSide
{
    /// <summary>Padding first, real tokens at the end (the usual batching for decoder-only models); needs an <c>attention_mask</c> input.</summary>
    Left,
    /// <summary>Real tokens first, padding after; causal attention keeps real tokens from reading it, so no mask is needed.</summary>
    Right,
}
