using System.Text;
using RlsEdit.Models.Safetensors;
using Xunit;

namespace RlsEdit.Models.Tests;

public sealed class SafetensorsTests
{
    private static string TempFile() => Fixture.TempPath("st", ".safetensors");

    /// <summary>A file made of a raw header string and <paramref name="dataBytes"/> zero bytes of data.</summary>
    private static string WriteRaw(string header, int dataBytes, ulong? declaredLength = null)
    {
        string path = TempFile();
        var h = Encoding.UTF8.GetBytes(header);
        using var s = File.Create(path);
        s.Write(BitConverter.GetBytes(declaredLength ?? (ulong)h.Length));
        s.Write(h);
        s.Write(new byte[dataBytes]);
        return path;
    }

    [Theory]
    [InlineData(SafetensorsDType.F32)]
    [InlineData(SafetensorsDType.F16)]
    [InlineData(SafetensorsDType.BF16)]
    public void WriteThenReadRoundTripsWithinTheDTypesPrecision(SafetensorsDType dtype)
    {
        var rng = new Random(3);
        var a = Enumerable.Range(0, 35).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var b = new[] { 1f, -2.5f, 65504f, 1e-3f, 0f };
        string path = TempFile();
        SafetensorsWriter.Write(path, [SafetensorsEntry.FromFloats("a", dtype, [5, 7], a), SafetensorsEntry.FromFloats("b.bias", dtype, [5], b)],
            new Dictionary<string, string> { ["format"] = "pt" });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["a", "b.bias"], file.Tensors.Select(t => t.Name));
        Assert.Equal([5, 7], file.Get("a").Shape);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(0, file.DataStart % 8);
        var back = new float[35];
        file.ReadInto("a", back);
        // Half has an 11-bit significand, bfloat16 an 8-bit one: relative rounding error ≤ 2^-11 / 2^-8.
        double unit = dtype switch { SafetensorsDType.F32 => 0, SafetensorsDType.F16 => Math.Pow(2, -11), _ => Math.Pow(2, -8) };
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(back[i] - a[i]) <= unit * Math.Abs(a[i]) + 1e-7, $"{a[i]} → {back[i]}");
        var backB = new float[5];
        file.ReadInto("b.bias", backB);
        Assert.Equal(1f, backB[0]);
        Assert.Equal(-2.5f, backB[1]);
    }

    [Fact]
    public void BFloat16EncodingRoundsToNearestEven()
    {
        // 1 + 2^-8 lies exactly between bfloat16 neighbours 1 and 1 + 2^-7: ties go to the even significand (1).
        var bytes = new byte[4];
        SafetensorsDTypes.Encode(SafetensorsDType.BF16, [1f + 1f / 256, 1f + 3f / 256], bytes);
        var back = new float[2];
        SafetensorsDTypes.Decode(SafetensorsDType.BF16, bytes, back);
        Assert.Equal(1f, back[0]);
        Assert.Equal(1f + 4f / 256, back[1]);
    }

    [Fact]
    public void HeaderLengthBeyondTheFileIsRejected()
    {
        string path = WriteRaw("{}", 0, declaredLength: 1_000_000);
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("header length", e.Message);
    }

    [Fact]
    public void HugeHeaderLengthIsRejectedWithoutAllocating()
    {
        string path = WriteRaw("{}", 0, declaredLength: ulong.MaxValue);
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
    }

    [Fact]
    public void TruncatedFileIsRejected()
    {
        string path = TempFile();
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
    }

    [Fact]
    public void NonJsonHeaderIsRejected()
    {
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("{not json", 0)));
        Assert.Contains("JSON", e.Message);
    }

    [Fact]
    public void OverlappingTensorsAreRejected()
    {
        string header = """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""";
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw(header, 16)));
        Assert.Contains("overlap", e.Message);
    }

    [Fact]
    public void OffsetsOutsideTheDataAreRejected()
    {
        string header = """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""";
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw(header, 12)));
        Assert.Contains("outside the data section", e.Message);
    }

    [Fact]
    public void NegativeOrReversedOffsetsAreRejected()
    {
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", 8)));
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8)));
    }

    [Fact]
    public void UnknownDTypeIsRejected()
    {
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("""{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""", 16)));
        Assert.Contains("unknown dtype", e.Message);
    }

    [Fact]
    public void AbsurdShapesAreRejectedWithoutAllocating()
    {
        // 2^31 × 2^31 × 2^31 elements would overflow any size computation; the data section has 16 bytes.
        string header = """{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,16]}}""";
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw(header, 16)));
        Assert.Contains("needs more than the whole data section", e.Message);
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("""{"a":{"dtype":"F32","shape":[-3],"data_offsets":[0,0]}}""", 0)));
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("""{"a":{"dtype":"F32","shape":[4,4],"data_offsets":[0,16]}}""", 16)));
    }

    [Fact]
    public void MissingEntryFieldsAreRejected()
    {
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("""{"a":{"dtype":"F32","shape":[1]}}""", 4)));
        Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(WriteRaw("""[1,2]""", 0)));
    }

    [Fact]
    public void IntegerTensorsAreListedButCannotBeReadAsWeights()
    {
        using var file = SafetensorsFile.Open(WriteRaw("""{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", 16));
        Assert.Null(file.Get("ids").DType);
        var e = Assert.Throws<ModelFormatException>(() => file.ReadInto("ids", new float[2]));
        Assert.Contains("I64", e.Message);
        Assert.Throws<ModelFormatException>(() => file.Get("missing"));
    }
}
