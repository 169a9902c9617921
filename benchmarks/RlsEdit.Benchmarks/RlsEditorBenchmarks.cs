using BenchmarkDotNet.Attributes;
using RlsEdit.State;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Cost of one RLS edit step after a short and a long history (d_k = 256, d_v = 64, u = 1): the state has the same size
/// whatever t is, so the two should cost the same. Each iteration restores the editor saved at step t, so t stays within
/// 64 steps of the parameter while it is measured.
/// </summary>
[MemoryDiagnoser]
public class RlsHistoryBenchmarks
{
    private const int KeyDim = 256, ValueDim = 64;
    private string _state = "";
    private RlsEditor<double> _editor = null!;
    private Matrix<double> _key = null!, _value = null!;

    /// <summary>t before the measured step.</summary>
    [Params(10, 10_000)]
    public int History { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        var editor = new RlsEditor<double>(Gaussian(rng, KeyDim, ValueDim).View, new RlsHyperParameters(1.0, 0));
        var k = new Matrix<double>(1, KeyDim);
        var v = new Matrix<double>(1, ValueDim);
        for (int t = 0; t < History; t++)
        {
            Fill(rng, k);
            Fill(rng, v);
            editor.Step(k.View, v.View);
        }
        _state = Path.Combine(Path.GetTempPath(), $"rls-history-{History}-{Environment.ProcessId}.npz");
        EditorStateFile.Save(_state, editor);
        _key = Gaussian(rng, 1, KeyDim);
        _value = Gaussian(rng, 1, ValueDim);
    }

    [IterationSetup]
    public void Restore() => _editor = EditorStateFile.Load<double>(_state);

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_state);

    [Benchmark]
    [InvocationCount(64, 1)]
    public double Step() => _editor.Step(_key.View, _value.View).DeltaNorm;

    internal static Matrix<double> Gaussian(Random rng, int rows, int cols)
    {
        var m = new Matrix<double>(rows, cols);
        Fill(rng, m);
        return m;
    }

    internal static void Fill(Random rng, Matrix<double> m)
    {
        for (int i = 0; i < m.Data.Length; i++)
            m.Data[i] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
    }
}

/// <summary>
/// One edit step (u = 4 rows, d_v = 64) in <see cref="EditMode.Recursive"/> (Woodbury, O(d_k²u)) against
/// <see cref="EditMode.Recompute"/> (Cholesky re-solve of H_t, O(d_k³)) and <see cref="EditMode.Reset"/> (copy C₀, then Woodbury).
/// </summary>
[MemoryDiagnoser]
public class RlsModeBenchmarks
{
    private const int ValueDim = 64, Rows = 4;
    private RlsEditor<double> _editor = null!;
    private Matrix<double> _key = null!, _value = null!;

    /// <summary>d_k: 1024, or the comma-separated list in the environment variable RLS_BENCH_DK (e.g. "1024,3072").</summary>
    [ParamsSource(nameof(KeyDims))]
    public int KeyDim { get; set; }

    public static IEnumerable<int> KeyDims() =>
        (Environment.GetEnvironmentVariable("RLS_BENCH_DK") ?? "1024").Split(',').Select(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>How C is carried between steps.</summary>
    [Params(EditMode.Recursive, EditMode.Reset, EditMode.Recompute)]
    public EditMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(11);
        _editor = new RlsEditor<double>(RlsHistoryBenchmarks.Gaussian(rng, KeyDim, ValueDim).View, new RlsHyperParameters(1.0, 0), null,
            new RlsEditorOptions { Mode = Mode });
        _key = RlsHistoryBenchmarks.Gaussian(rng, Rows, KeyDim);
        _value = RlsHistoryBenchmarks.Gaussian(rng, Rows, ValueDim);
    }

    [Benchmark]
    public double Step() => _editor.Step(_key.View, _value.View).DeltaNorm;
}
