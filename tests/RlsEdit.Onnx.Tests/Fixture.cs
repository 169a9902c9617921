using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Tests;

/// <summary>A torch-exported fixture folder: HF layout + model.onnx + expected.npz (tools/golden/make_onnx_fixtures.py).</summary>
internal sealed class Fixture
{
    public string Folder { get; }
    public string OnnxPath => Path.Combine(Folder, "model.onnx");
    public IReadOnlyDictionary<string, NpyArray> Expected { get; }
    public int Batch => (int)Expected["ids"].Shape[0];
    public int Length => (int)Expected["ids"].Shape[1];
    public int[] Ids => Array.ConvertAll(Expected["ids"].ToInt64Array(), x => (int)x);

    private Fixture(string name)
    {
        Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        Expected = Npz.Read(Path.Combine(Folder, "expected.npz"));
    }

    public static Fixture Gpt2 { get; } = new("gpt2-tiny");
    public static Fixture Llama { get; } = new("llama-tiny");
    public static Fixture Qwen2 { get; } = new("qwen2-tiny");
    public static TheoryData<string> Names => new() { "gpt2-tiny", "llama-tiny", "qwen2-tiny" };
    public static Fixture Get(string name) => name switch { "gpt2-tiny" => Gpt2, "llama-tiny" => Llama, _ => Qwen2 };

    /// <summary>An expected [.., W] array as [N, W] rows.</summary>
    public Matrix<double> Rows(string name)
    {
        var a = Expected[name];
        int w = (int)a.Shape[^1];
        var m = new Matrix<double>(a.Count / w, w);
        a.ToDoubleArray().CopyTo(m.Data, 0);
        return m;
    }
}

internal static class Compare
{
    /// <summary>max|a − b| / max|b|: the error relative to the reference's scale.</summary>
    public static double RelativeMaxError<TA, TB>(MatrixView<TA> actual, MatrixView<TB> expected)
        where TA : unmanaged, System.Numerics.IFloatingPointIeee754<TA>
        where TB : unmanaged, System.Numerics.IFloatingPointIeee754<TB>
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Cols, actual.Cols);
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.Rows; i++)
            for (int j = 0; j < expected.Cols; j++)
            {
                double e = double.CreateChecked(expected[i, j]), a = double.CreateChecked(actual[i, j]);
                Assert.True(double.IsFinite(a), $"non-finite value at ({i}, {j})");
                diff = Math.Max(diff, Math.Abs(a - e));
                scale = Math.Max(scale, Math.Abs(e));
            }
        return scale == 0 ? diff : diff / scale;
    }
}

/// <summary>A fact that runs only where the CUDA execution provider loads; elsewhere it is reported as skipped with the reason.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!OnnxSessions.IsCudaAvailable(out string reason)) Skip = $"CUDA execution provider unavailable: {reason}";
    }
}
