using BenchmarkDotNet.Attributes;
using RlsEdit.Models;
using RlsEdit.Tensors;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Transformer runtime throughput: forward, forward + backward to a mid-layer delta (value optimisation), and
/// forward + backward to every parameter (fine-tuning), on GPT-2-shaped models with random weights (timing does
/// not depend on the values). Tokens/s = Tokens / Mean.
/// </summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    [Params("tiny", "gpt2-small")]
    public string Shape { get; set; } = "tiny";

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(64)]
    public int Tokens { get; set; }

    private TransformerModel<float> model = null!;
    private TokenBatch batch = null!;
    private TokenLoss<float> loss = null!;

    public static ModelConfig Config(string shape) => shape switch
    {
        // The golden gpt2-tiny fixture's shape, with room for 64 positions.
        "tiny" => new ModelConfig
        {
            ModelType = "gpt2", Architecture = ModelArchitecture.Gpt2, VocabSize = 96, HiddenSize = 32, LayerCount = 2,
            HeadCount = 4, KeyValueHeadCount = 4, HeadDim = 8, IntermediateSize = 128, MaxSequenceLength = 64,
            NormEpsilon = 1e-5, TieWordEmbeddings = true, QkvBias = true, OutputBias = true, MlpBias = true,
        },
        // GPT-2 small: 124M parameters.
        _ => new ModelConfig
        {
            ModelType = "gpt2", Architecture = ModelArchitecture.Gpt2, VocabSize = 50257, HiddenSize = 768, LayerCount = 12,
            HeadCount = 12, KeyValueHeadCount = 12, HeadDim = 64, IntermediateSize = 3072, MaxSequenceLength = 1024,
            NormEpsilon = 1e-5, TieWordEmbeddings = true, QkvBias = true, OutputBias = true, MlpBias = true,
        },
    };

    [GlobalSetup]
    public void Setup()
    {
        LinearAlgebra.MaxDegreeOfParallelism = Threads;
        var config = Config(Shape);
        model = TransformerModel<float>.CreateRandom(config, seed: 1);
        var rng = new Random(2);
        batch = TokenBatch.Single(Enumerable.Range(0, Tokens).Select(_ => rng.Next(config.VocabSize)).ToArray());
        loss = new TokenLoss<float>(Enumerable.Range(0, Tokens - 1).Select(t => (t, batch.Ids[t + 1])).ToArray());
    }

    [Benchmark]
    public Matrix<float> Forward() => model.Forward(batch).Logits;

    [Benchmark]
    public double ForwardBackwardToDelta() =>
        model.Backward(model.Forward(batch), loss, BackwardScope.ToResidualAfter(model.Config.LayerCount / 2)).Loss;

    [Benchmark]
    public double ForwardBackwardAllParameters() =>
        model.Backward(model.Forward(batch), loss, BackwardScope.AllParameters).Loss;
}
