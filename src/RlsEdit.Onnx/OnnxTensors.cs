using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx;

/// <summary>Conversions between float32 <see cref="TensorProto"/> initializers and matrices.</summary>
public static class OnnxTensors
{
    /// <summary>A 2-D float initializer as a matrix in its stored layout.</summary>
    /// <exception cref="OnnxModelException">The tensor is not a 2-D float32 tensor with inline data.</exception>
    public static Matrix<float> ToMatrix(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Check(tensor);
        var m = new Matrix<float>((int)tensor.Dims[0], (int)tensor.Dims[1]);
        if (tensor.RawData.Length > 0)
        {
            if (tensor.RawData.Length != m.Data.Length * sizeof(float))
                throw new OnnxModelException($"initializer '{tensor.Name}'", "raw data size", $"{m.Data.Length * sizeof(float)} bytes", $"{tensor.RawData.Length}");
            MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).CopyTo(m.Data);
        }
        else
        {
            if (tensor.FloatData.Count != m.Data.Length)
                throw new OnnxModelException($"initializer '{tensor.Name}'", "float_data size", $"{m.Data.Length} values", $"{tensor.FloatData.Count}");
            tensor.FloatData.CopyTo(m.Data, 0);
        }
        return m;
    }

    /// <summary>Replaces the data of a 2-D float initializer with <paramref name="values"/> (same shape), stored as raw little-endian bytes.</summary>
    /// <exception cref="ShapeMismatchException">The shapes differ.</exception>
    public static void Overwrite(TensorProto tensor, MatrixView<float> values)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Check(tensor);
        Guard.Shape(values, (int)tensor.Dims[0], (int)tensor.Dims[1], "OnnxTensors.Overwrite", tensor.Name);
        var data = values.ToMatrix().Data;
        tensor.FloatData.Clear();
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
    }

    /// <summary>A float32 initializer with raw data.</summary>
    public static TensorProto FromFloats(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data)) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>An int64 initializer.</summary>
    public static TensorProto FromInt64(string name, long[] data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(data);
        return t;
    }

    private static void Check(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new OnnxModelException($"initializer '{tensor.Name}'", "unsupported storage", "inline data", "an external data file (this in-memory operation cannot reach it; the file-based OnnxWriteBack.ApplyDelta reads and rewrites external data)");
        if (tensor.Dims.Count != 2 || tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new OnnxModelException($"initializer '{tensor.Name}'", "unsupported tensor", "a 2-D float32 tensor", $"data type {tensor.DataType}, shape [{string.Join(", ", tensor.Dims)}]");
    }
}
