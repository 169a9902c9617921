using System.Text;
using Xunit;

namespace RlsEdit.Tensors.Tests;

public class NpyMalformedInputTests
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>A version-1.0 image with the given header dict text and data bytes (header padded like NumPy's).</summary>
    private static byte[] Image(string dict, int dataBytes, byte major = 1)
    {
        int lengthSize = major == 1 ? 2 : 4;
        int unpadded = 8 + lengthSize + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new List<byte>();
        bytes.AddRange(Magic);
        bytes.Add(major);
        bytes.Add(0);
        bytes.AddRange(lengthSize == 2 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes(header.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(new byte[dataBytes]);
        return bytes.ToArray();
    }

    private static NpyFormatException Rejects(byte[] bytes, string expectedWhat)
    {
        var seekable = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(bytes), "case.npy"));
        var forwardOnly = Assert.Throws<NpyFormatException>(() => Npy.Read(new NpyTestData.ForwardOnlyStream(bytes), "case.npy"));
        foreach (var e in new[] { seekable, forwardOnly })
        {
            Assert.Equal("case.npy", e.SourceName);
            Assert.StartsWith("case.npy: ", e.Message, StringComparison.Ordinal);
            Assert.Contains(expectedWhat, e.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(e.Expected));
            Assert.False(string.IsNullOrEmpty(e.Found));
        }
        return seekable;
    }

    public static TheoryData<string, byte[], string> Cases => new()
    {
        { "empty", [], "not a .npy file" },
        { "wrong magic", Encoding.ASCII.GetBytes("PK\x03\x04 not numpy at all"), "not a .npy file" },
        { "version 4", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 8, major: 4), "unsupported .npy format version" },
        { "no header length", [.. Magic, 1, 0], "truncated header" },
        { "header beyond the file", [.. Magic, 1, 0, 0xFF, 0x00, (byte)'{'], "truncated header" },
        { "not a dict", Image("['descr', '<f8']", 0), "malformed header" },
        { "unterminated dict", Image("{'descr': '<f8', 'fortran_order': False", 0), "malformed header" },
        { "garbage after dict", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } x", 8), "malformed header" },
        { "missing shape", Image("{'descr': '<f8', 'fortran_order': False, }", 8), "incomplete header" },
        { "missing descr", Image("{'fortran_order': False, 'shape': (1,), }", 8), "incomplete header" },
        { "extra key", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1, }", 8), "unexpected header key" },
        { "duplicate key", Image("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 8), "malformed header" },
        { "order not bool", Image("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", 8), "bad 'fortran_order'" },
        { "shape not tuple", Image("{'descr': '<f8', 'fortran_order': False, 'shape': 3, }", 24), "bad 'shape'" },
        { "shape of strings", Image("{'descr': '<f8', 'fortran_order': False, 'shape': ('a',), }", 8), "bad 'shape'" },
        { "negative axis", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 2), }", 8), "absurd shape" },
        { "overflowing shape", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 8), "absurd shape" },
        { "axis beyond int64", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", 8), "malformed header" },
        { "big endian", Image("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", 8), "unsupported dtype" },
        { "native byte order", Image("{'descr': '=f8', 'fortran_order': False, 'shape': (1,), }", 8), "unsupported dtype" },
        { "uint8", Image("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", 1), "unsupported dtype" },
        { "float16", Image("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", 2), "unsupported dtype" },
        { "truncated data", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 47), "truncated data" },
        { "missing data", Image("{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", 0), "truncated data" },
        { "huge shape, tiny file", Image("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 20000), }", 16), "truncated data" },
        { "trailing bytes", Image("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 9), "trailing bytes" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_images_throw_a_typed_error_naming_the_source(string name, byte[] bytes, string expectedWhat)
    {
        _ = name;
        Rejects(bytes, expectedWhat);
    }

    [Fact]
    public void Truncation_reports_expected_and_found_byte_counts()
    {
        var e = Rejects(Image("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 40), "truncated data");
        Assert.Contains("48 data bytes", e.Expected, StringComparison.Ordinal);
        Assert.Contains("<f8", e.Expected, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", e.Expected, StringComparison.Ordinal);
        Assert.Contains("40 bytes", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void Tolerated_header_variants_are_read()
    {
        // Python 2 long suffixes, double quotes, '|' byte order, keys in any order, no trailing comma.
        byte[] bytes = Image("{\"shape\": (2L,), 'fortran_order': True, 'descr': '|f8'}", 16);
        NpyArray array = Npy.Read(new MemoryStream(bytes));
        Assert.Equal([2L], array.Shape);
        Assert.Equal(NpyDataType.Float64, array.DataType);
    }

    [Fact]
    public void A_missing_file_is_an_ordinary_file_not_found_error()
    {
        Assert.Throws<FileNotFoundException>(() => Npy.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".npy")));
    }

    [Fact]
    public void File_errors_name_the_path()
    {
        string dir = NpyTestData.TempDirectory();
        try
        {
            string path = Path.Combine(dir, "broken.npy");
            File.WriteAllBytes(path, Image("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 8));
            var e = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
            Assert.Equal(path, e.SourceName);
            Assert.IsAssignableFrom<IOException>(e);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
