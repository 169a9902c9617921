namespace RlsEdit.Onnx;

/// <summary>Where ONNX Runtime runs a model.</summary>
public enum OnnxDevice
{
    /// <summary>CUDA when its provider loads (needs CUDA 13 libraries and a GPU), otherwise CPU with one log line.</summary>
    Auto,
    /// <summary>The CPU execution provider.</summary>
    Cpu,
    /// <summary>The CUDA execution provider on GPU 0; fails when it cannot load.</summary>
    Cuda,
}
