using RlsEdit.Tensors;

namespace RlsEdit.Onnx;

/// <summary>One ONNX Runtime forward pass: logits and the captured MLP keys/values. Rows are numbered b·T + t.</summary>
public sealed class OnnxCapturePass
{
    internal OnnxCapturePass(Matrix<float> logits, IReadOnlyDictionary<int, Matrix<float>> keys, IReadOnlyDictionary<int, Matrix<float>> values)
    {
        Logits = logits; Keys = keys; Values = values;
    }

    /// <summary>[N, V] next-token logits.</summary>
    public Matrix<float> Logits { get; }
    /// <summary>[N, F] down-projection inputs, by layer.</summary>
    public IReadOnlyDictionary<int, Matrix<float>> Keys { get; }
    /// <summary>[N, D] down-projection outputs (bias included), by layer.</summary>
    public IReadOnlyDictionary<int, Matrix<float>> Values { get; }
}
