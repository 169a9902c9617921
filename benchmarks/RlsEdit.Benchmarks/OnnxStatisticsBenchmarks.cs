using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using RlsEdit.Models;
using RlsEdit.Onnx;
using RlsEdit.Onnx.Statistics;

namespace RlsEdit.Benchmarks;

/// <summary>
/// One step of layer statistics (forward pass for keys + float64 SYRK into E[kkᵀ]) on the same random GPT-2 model,
/// run by ONNX Runtime (CPU) and by the managed runtime. Time is per token (OperationsPerInvoke), so tokens/s = 1e9 / ns.
/// </summary>
[MemoryDiagnoser(false)]
public class OnnxStatisticsBenchmarks
{
    private const int Batch = 4, Length = 64, Tokens = Batch * Length;
    private IKeySource _onnx = null!, _managed = null!;
    private SecondMomentAccumulator _accumulator = null!;
    private int[] _ids = null!;
    private RlsEdit.Tensors.Matrix<float> _fixedKeys = null!;
    private int _layer;

    /// <summary>tiny: D=64, 2 layers, V=256. gpt2-small-4L: GPT-2 small widths (D=768, F=3072, V=50257, 12 heads) with 4 of its 12 layers.</summary>
    [Params("tiny", "gpt2-small-4L")]
    public string Model { get; set; } = "tiny";

    [GlobalSetup]
    public void Setup()
    {
        bool small = Model != "tiny";
        var config = new ModelConfig
        {
            ModelType = "gpt2", Architecture = ModelArchitecture.Gpt2, VocabSize = small ? 50257 : 256, HiddenSize = small ? 768 : 64,
            LayerCount = small ? 4 : 2, HeadCount = small ? 12 : 4, KeyValueHeadCount = small ? 12 : 4, HeadDim = small ? 64 : 16,
            IntermediateSize = small ? 3072 : 256, MaxSequenceLength = 128, NormEpsilon = 1e-5, TieWordEmbeddings = true,
        };
        var model = TransformerModel<float>.CreateRandom(config, seed: 1);
        _layer = config.LayerCount - 1;
        string path = Path.Combine(Path.GetTempPath(), $"rlsedit-bench-{Model}.onnx");
        File.WriteAllBytes(path, Gpt2OnnxExporter.Export(model).ToByteArray());
        _onnx = OnnxKeySource.Open(path, [_layer], OnnxDevice.Cpu);
        _managed = new ManagedKeySource(model, [_layer], new long[4]);
        _accumulator = new SecondMomentAccumulator(config.IntermediateSize);
        var rng = new Random(3);
        _ids = Enumerable.Range(0, Tokens).Select(_ => rng.Next(config.VocabSize)).ToArray();
        _fixedKeys = _onnx.Keys(_ids, Batch, Length)[_layer];
    }

    [GlobalCleanup]
    public void Cleanup() => (_onnx as IDisposable)?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Tokens)]
    public long OnnxRuntimeCpu() => Step(_onnx);

    [Benchmark(OperationsPerInvoke = Tokens)]
    public long ManagedForward() => Step(_managed);

    /// <summary>The float64 SYRK share of a step alone (keys computed once in setup).</summary>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public long AccumulateOnly()
    {
        _accumulator.Add(_fixedKeys.View);
        return _accumulator.Count;
    }

    private long Step(IKeySource source)
    {
        _accumulator.Add(source.Keys(_ids, Batch, Length)[_layer].View);
        return _accumulator.Count;
    }
}
