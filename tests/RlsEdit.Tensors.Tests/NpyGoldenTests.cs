using Xunit;

namespace RlsEdit.Tensors.Tests;

/// <summary>Files written by real NumPy (tools/golden/make_npy_fixtures.py): we read their values and reproduce their bytes.</summary>
public class NpyGoldenTests
{
    public static TheoryData<string, NpyDataType, long[], NpyOrder> RoundTripGoldens => new()
    {
        { "f8_c_2x3.npy", NpyDataType.Float64, [2, 3], NpyOrder.C },
        { "f4_c_3x2.npy", NpyDataType.Float32, [3, 2], NpyOrder.C },
        { "f8_f_3x4.npy", NpyDataType.Float64, [3, 4], NpyOrder.Fortran },
        { "f4_f_2x3x4.npy", NpyDataType.Float32, [2, 3, 4], NpyOrder.Fortran },
        { "f8_c_2x3x4.npy", NpyDataType.Float64, [2, 3, 4], NpyOrder.C },
        { "i8_1d_5.npy", NpyDataType.Int64, [5], NpyOrder.C },
        { "f8_0d.npy", NpyDataType.Float64, [], NpyOrder.C },
        { "f8_c_0x3.npy", NpyDataType.Float64, [0, 3], NpyOrder.C },
        { "f4_c_1x1.npy", NpyDataType.Float32, [1, 1], NpyOrder.C },
    };

    [Theory]
    [MemberData(nameof(RoundTripGoldens))]
    public void Reads_numpy_files_with_the_expected_dtype_shape_and_values(string file, NpyDataType type, long[] shape, NpyOrder order)
    {
        _ = order;
        NpyArray array = Npy.Read(NpyTestData.Fixture(file));
        Assert.Equal(type, array.DataType);
        Assert.Equal(shape, array.Shape);
        Assert.Equal(NpyTestData.GridValues(shape, type is NpyDataType.Float32 or NpyDataType.Float64), array.ToDoubleArray());
        Assert.Contains(file, array.SourceName, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RoundTripGoldens))]
    public void Writes_the_same_bytes_as_numpy_save(string file, NpyDataType type, long[] shape, NpyOrder order)
    {
        double[] values = NpyTestData.GridValues(shape, type is NpyDataType.Float32 or NpyDataType.Float64);
        NpyArray array = type switch
        {
            NpyDataType.Float64 => NpyArray.FromDoubles(values, shape),
            NpyDataType.Float32 => NpyArray.FromSingles(Array.ConvertAll(values, v => (float)v), shape),
            _ => NpyArray.FromInt64(Array.ConvertAll(values, v => (long)v), shape),
        };
        using var written = new MemoryStream();
        Npy.Write(written, array, order);
        Assert.Equal(File.ReadAllBytes(NpyTestData.Fixture(file)), written.ToArray());
    }

    [Theory]
    [InlineData("f8_c_2x3_v2.npy")]
    [InlineData("f8_c_2x3_v3.npy")]
    public void Reads_format_versions_2_and_3(string file)
    {
        byte[] bytes = File.ReadAllBytes(NpyTestData.Fixture(file));
        Assert.Equal(file.EndsWith("v2.npy", StringComparison.Ordinal) ? 2 : 3, bytes[6]);
        NpyArray array = Npy.Read(NpyTestData.Fixture(file));
        Assert.Equal([2L, 3L], array.Shape);
        Assert.Equal(NpyTestData.GridValues([2, 3], isFloat: true), array.ToDoubleArray());
    }

    [Fact]
    public void Reads_int32_and_widens_to_int64()
    {
        NpyArray array = Npy.Read(NpyTestData.Fixture("i4_c_2x2.npy"));
        Assert.Equal(NpyDataType.Int32, array.DataType);
        Assert.Equal(new long[] { -7, -6, 3, 4 }, array.ToInt64Array());
    }

    [Fact]
    public void Fortran_matrix_becomes_the_same_logical_matrix()
    {
        Matrix<double> m = Npy.Read(NpyTestData.Fixture("f8_f_3x4.npy")).ToMatrix<double>();
        Assert.Equal(3, m.Rows);
        Assert.Equal(4, m.Cols);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal((10 * i + j) / 4.0 - 1.5, m[i, j]);
    }

    [Theory]
    [InlineData("bad_bigendian_f8.npy", "'>f8' (big endian)")]
    [InlineData("bad_bool.npy", "'|b1'")]
    [InlineData("bad_complex.npy", "'<c16'")]
    [InlineData("bad_object.npy", "'|O' (Python objects)")]
    [InlineData("bad_structured.npy", "structured dtype")]
    public void Unsupported_numpy_dtypes_are_rejected_with_the_file_and_the_dtype(string file, string found)
    {
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(NpyTestData.Fixture(file)));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains(found, e.Found, StringComparison.Ordinal);
        Assert.Contains("'<f8'", e.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_numpy_savez_stored_archive()
    {
        var arrays = Npz.Read(NpyTestData.Fixture("stored.npz"));
        Assert.Equal(["a", "ids"], arrays.Keys.Order());
        Assert.Equal(NpyTestData.GridValues([2, 3], isFloat: true), arrays["a"].ToDoubleArray());
        Assert.Equal(new long[] { -7, -6, -5, -4, -3 }, arrays["ids"].ToInt64Array());
    }

    [Fact]
    public void Reads_an_archive_from_a_stream_and_names_entries_after_the_stream()
    {
        using var stream = new MemoryStream(File.ReadAllBytes(NpyTestData.Fixture("stored.npz")));
        var arrays = Npz.Read(stream, "in-memory");
        Assert.Equal("in-memory:ids.npy", arrays["ids"].SourceName);
        Assert.Equal(new long[] { -7, -6, -5, -4, -3 }, arrays["ids"].ToInt64Array());
    }

    [Fact]
    public void Reads_numpy_savez_compressed_archive()
    {
        var arrays = Npz.Read(NpyTestData.Fixture("deflated.npz"));
        Assert.Equal(["a", "w"], arrays.Keys.Order());
        Assert.Equal(NpyTestData.GridValues([2, 3], isFloat: true), arrays["a"].ToDoubleArray());
        Assert.Equal(NpyDataType.Float32, arrays["w"].DataType);
        Assert.Equal(NpyTestData.GridValues([3, 4], isFloat: true), arrays["w"].ToDoubleArray());
    }
}
