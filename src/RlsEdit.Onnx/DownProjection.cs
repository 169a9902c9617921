namespace RlsEdit.Onnx;

/// <summary>One transformer layer's MLP down-projection as found in an ONNX graph.</summary>
/// <param name="Layer">The layer index parsed from the node name.</param>
/// <param name="NodeName">The Gemm or MatMul node.</param>
/// <param name="OpType">"Gemm" or "MatMul".</param>
/// <param name="KeyName">The node's activation input: the editing key (F features on the last axis).</param>
/// <param name="ValueName">The projection's output after its bias (the Gemm output, or the Add that follows a MatMul when there is one).</param>
/// <param name="WeightName">The weight initializer (found through the node, whatever its name).</param>
/// <param name="Layout">How <paramref name="WeightName"/> stores the matrix.</param>
/// <param name="InFeatures">F, the key width.</param>
/// <param name="OutFeatures">D, the value width.</param>
public sealed record DownProjection(int Layer, string NodeName, string OpType, string KeyName, string ValueName,
    string WeightName, WeightLayout Layout, int InFeatures, int OutFeatures);
