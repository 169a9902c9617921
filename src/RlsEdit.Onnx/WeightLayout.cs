namespace RlsEdit.Onnx;

/// <summary>How a down-projection weight initializer stores its matrix.</summary>
public enum WeightLayout
{
    /// <summary>[in, out] (F×D): a MatMul right operand or a Gemm B with transB = 0; the editing layout (keys·W = values).</summary>
    InOut,
    /// <summary>[out, in] (D×F): a Gemm B with transB = 1, or an initializer read through Transpose(perm=[1,0]) (Hugging Face nn.Linear).</summary>
    OutIn,
}
