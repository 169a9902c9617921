using System.Text.Json;
using RlsEdit.Models.Safetensors;
using Xunit;

namespace RlsEdit.Models.Tests;

public sealed class MemoryTests
{
    [Fact]
    public void LoadingAllocatesTheWeightsOnceNotTwice()
    {
        // A 4-layer, d = 192 GPT-2 (≈ 2.3M parameters, 9 MB in F32): large enough that fixed costs do not hide a copy.
        var config = new ModelConfig
        {
            ModelType = "gpt2", Architecture = ModelArchitecture.Gpt2, VocabSize = 512, HiddenSize = 192, LayerCount = 4,
            HeadCount = 4, KeyValueHeadCount = 4, HeadDim = 48, IntermediateSize = 768, MaxSequenceLength = 64,
            NormEpsilon = 1e-5, TieWordEmbeddings = true, QkvBias = true, OutputBias = true, MlpBias = true,
        };
        var model = TransformerModel<float>.CreateRandom(config, seed: 4);
        string dir = Fixture.TempDirectory("mem");
        File.WriteAllText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(new
        {
            model_type = "gpt2", vocab_size = 512, n_embd = 192, n_layer = 4, n_head = 4, n_positions = 64,
        }));
        SafetensorsWriter.Write(Path.Combine(dir, ModelFolder.SingleFile),
            model.Parameters.Select(p => SafetensorsEntry.FromFloats(p.Name, SafetensorsDType.F32, p.Shape, p.Value.Data)).ToList());
        long weightBytes = model.Parameters.Sum(p => (long)p.Value.Data.Length * sizeof(float));

        ModelFolder.Load<float>(dir); // warm up the JIT and the JSON reader
        long before = GC.GetAllocatedBytesForCurrentThread();
        var loaded = ModelFolder.Load<float>(dir);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(model.Parameters[5].Value.Data, loaded.Parameters[5].Value.Data);
        // One managed copy of the weights plus header/bookkeeping; a staged byte[] copy would double it.
        Assert.InRange(allocated, weightBytes, weightBytes + weightBytes / 10);
    }
}
