using System.IO.Compression;
using Xunit;

namespace RlsEdit.Tensors.Tests;

public sealed class NpzTests : IDisposable
{
    private readonly string dir = NpyTestData.TempDirectory();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(NpzCompression.Stored)]
    [InlineData(NpzCompression.Deflated)]
    public void Archives_round_trip_every_entry(NpzCompression compression)
    {
        string path = Path.Combine(dir, "arrays.npz");
        var keys = Matrix<float>.FromArray(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        (string, NpyArray)[] arrays =
        [
            ("keys", NpyArray.FromMatrix(keys.View)),
            ("ids", NpyArray.FromInt64([3, 1, 4, 1, 5], 5)),
            ("scalar", NpyArray.FromDoubles([0.25])),
            ("empty", NpyArray.FromDoubles([], 0, 4)),
            ("zeros", NpyArray.FromDoubles(new double[4096], 64, 64)),
        ];
        Npz.Write(path, arrays, compression);

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(["empty.npy", "ids.npy", "keys.npy", "scalar.npy", "zeros.npy"], zip.Entries.Select(e => e.FullName).Order());
            ZipArchiveEntry zeros = zip.GetEntry("zeros.npy")!;
            Assert.Equal(compression == NpzCompression.Deflated, zeros.CompressedLength < zeros.Length);
        }

        var back = Npz.Read(path);
        Assert.Equal(arrays.Length, back.Count);
        foreach ((string name, NpyArray array) in arrays)
        {
            Assert.Equal(array.DataType, back[name].DataType);
            Assert.Equal(array.Shape, back[name].Shape);
            Assert.Equal(array.Data, back[name].Data);
            Assert.Equal($"{path}:{name}.npy", back[name].SourceName);
        }
        Assert.Equal(keys.Data, back["keys"].ToMatrix<float>().Data);
        Assert.Equal(["arrays.npz"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void An_empty_archive_round_trips()
    {
        string path = Path.Combine(dir, "none.npz");
        Npz.Write(path, []);
        Assert.Empty(Npz.Read(path));
    }

    [Fact]
    public void Writing_replaces_an_existing_file()
    {
        string path = Path.Combine(dir, "a.npz");
        Npz.Write(path, [("x", NpyArray.FromDoubles([1], 1))]);
        Npz.Write(path, [("y", NpyArray.FromDoubles([2], 1))]);
        Assert.Equal(["y"], Npz.Read(path).Keys);
    }

    [Fact]
    public void Duplicate_or_empty_names_are_rejected_before_anything_is_written()
    {
        string path = Path.Combine(dir, "dup.npz");
        var a = NpyArray.FromDoubles([1], 1);
        Assert.Throws<ArgumentException>(() => Npz.Write(path, [("a", a), ("a", a)]));
        Assert.Throws<ArgumentException>(() => Npz.Write(path, [("", a)]));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        string path = Path.Combine(dir, "keep.npy");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["keep.npy"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Not_a_zip_file_is_a_typed_error()
    {
        string path = Path.Combine(dir, "plain.npz");
        File.WriteAllBytes(path, File.ReadAllBytes(NpyTestData.Fixture("f8_c_2x3.npy")));
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.Equal(path, e.SourceName);
        Assert.Contains("zip", e.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_that_are_not_npy_files_are_rejected_by_name()
    {
        string path = Path.Combine(dir, "mixed.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hi");
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.Equal($"{path}:readme.txt", e.SourceName);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void A_malformed_entry_names_the_archive_and_the_entry(CompressionLevel level)
    {
        string path = Path.Combine(dir, "bad.npz");
        byte[] good = File.ReadAllBytes(NpyTestData.Fixture("f8_c_2x3.npy"));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("good.npy", level).Open()) s.Write(good);
            using (var s = zip.CreateEntry("cut.npy", level).Open()) s.Write(good.AsSpan(0, good.Length - 5));
        }
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.Equal($"{path}:cut.npy", e.SourceName);
        Assert.Contains("truncated data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_deflate_stream_is_a_typed_error()
    {
        string path = Path.Combine(dir, "corrupt.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            using (var s = zip.CreateEntry("x.npy", CompressionLevel.Optimal).Open()) s.Write(File.ReadAllBytes(NpyTestData.Fixture("f8_c_2x3x4.npy")));
        byte[] bytes = File.ReadAllBytes(path);
        // Scribble over the compressed payload, which starts after the 30-byte local header and the 5-byte name.
        for (int i = 40; i < 60; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.StartsWith(path, e.SourceName, StringComparison.Ordinal);
    }
}
