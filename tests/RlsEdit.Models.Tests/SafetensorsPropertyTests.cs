using FsCheck.Xunit;
using RlsEdit.Models.Safetensors;
using Xunit;

namespace RlsEdit.Models.Tests;

public sealed class SafetensorsPropertyTests
{
    private static readonly byte[] Original = File.ReadAllBytes(Path.Combine(Fixture.PathOf("gpt2-untied-f16"), ModelFolder.SingleFile));
    private static readonly int HeaderEnd = 8 + (int)BitConverter.ToUInt64(Original, 0);
    private static readonly byte[] JsonAlphabet = "0123456789[]{},:\"-+eE. FBI8_"u8.ToArray();

    /// <summary>A copy of the golden F16 GPT-2 folder whose weights file has been damaged in one of several ways.</summary>
    private static string CorruptedFolder(int seed)
    {
        var rng = new Random(seed);
        var bytes = (byte[])Original.Clone();
        switch (rng.Next(4))
        {
            case 0: // JSON-ish characters sprinkled over the header: broken syntax, changed numbers, dtypes, shapes
                for (int k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(8, HeaderEnd)] = JsonAlphabet[rng.Next(JsonAlphabet.Length)];
                break;
            case 1: // truncated anywhere
                Array.Resize(ref bytes, rng.Next(0, bytes.Length));
                break;
            case 2: // a wrong header length prefix
                BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)(HeaderEnd - 8 + rng.Next(-64, 64)) * (rng.Next(3) == 0 ? 1UL << rng.Next(1, 60) : 1UL));
                break;
            default: // random bytes anywhere in the header
                for (int k = rng.Next(1, 6); k > 0; k--) bytes[rng.Next(0, HeaderEnd)] = (byte)rng.Next(256);
                break;
        }
        string dir = Fixture.TempDirectory("fuzz");
        File.Copy(Path.Combine(Fixture.PathOf("gpt2-untied-f16"), "config.json"), Path.Combine(dir, "config.json"));
        File.WriteAllBytes(Path.Combine(dir, ModelFolder.SingleFile), bytes);
        return dir;
    }

    [Property(MaxTest = 300)]
    public void CorruptedWeightFilesFailOnlyWithModelFormatException(int seed)
    {
        string dir = CorruptedFolder(seed);
        try
        {
            using (var file = SafetensorsFile.Open(Path.Combine(dir, ModelFolder.SingleFile)))
                foreach (var t in file.Tensors.Where(t => t.DType is not null))
                    file.ReadInto(t.Name, new float[t.ElementCount]);
            var model = ModelFolder.Load<float>(dir);
            model.Forward(TokenBatch.Single([1, 2, 3])); // a corruption that still validates must give a runnable model
        }
        catch (ModelFormatException)
        {
            // the expected outcome for most corruptions
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Property(MaxTest = 50)]
    public void WriteReadRoundTripsArbitraryShapesExactlyInF32(int seed)
    {
        var rng = new Random(seed);
        var entries = new List<(string Name, int[] Shape, float[] Values)>();
        for (int t = rng.Next(0, 5); t > 0; t--)
        {
            var shape = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => rng.Next(0, 6)).ToArray();
            long count = shape.Aggregate(1L, (p, d) => p * d);
            entries.Add(($"t{t}.{rng.Next(1000)}", shape, Enumerable.Range(0, (int)count).Select(_ => (float)(rng.NextDouble() * 200 - 100)).ToArray()));
        }
        string path = Fixture.TempPath("st", ".safetensors");
        SafetensorsWriter.Write(path, entries.Select(e => SafetensorsEntry.FromFloats(e.Name, SafetensorsDType.F32, e.Shape, e.Values)).ToList());
        using (var file = SafetensorsFile.Open(path))
        {
            Assert.Equal(entries.Select(e => e.Name), file.Tensors.Select(t => t.Name));
            foreach (var (name, shape, values) in entries)
            {
                Assert.Equal(shape, file.Get(name).Shape);
                var back = new float[values.Length];
                file.ReadInto(name, back);
                Assert.Equal(values, back);
            }
        }
        File.Delete(path);
    }
}
