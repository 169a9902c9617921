using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace RlsEdit.Tensors.Tests;

public class NpyRoundTripTests
{
    public static IEnumerable<object[]> Cases()
    {
        long[][] shapes = [[], [0], [1], [7], [0, 3], [3, 0], [1, 1], [1, 5], [5, 1], [3, 4], [2, 3, 4], [7, 1, 3], [2, 0, 2], [2, 2, 2, 3]];
        foreach (NpyDataType type in Enum.GetValues<NpyDataType>())
            foreach (NpyOrder order in Enum.GetValues<NpyOrder>())
                foreach (long[] shape in shapes)
                    yield return [type, order, shape];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_dtype_order_and_shape_survives_a_round_trip(NpyDataType type, NpyOrder order, long[] shape)
    {
        NpyArray original = RandomArray(type, shape, new Random(shape.Length * 31 + (int)type));
        using var stream = new MemoryStream();
        Npy.Write(stream, original, order);
        byte[] bytes = stream.ToArray();

        int headerLength = bytes[6] == 1 ? 10 + BitConverter.ToUInt16(bytes, 8) : 12 + BitConverter.ToInt32(bytes, 8);
        Assert.Equal(0, headerLength % 64);
        Assert.Equal(headerLength + original.Count * (type is NpyDataType.Float32 or NpyDataType.Int32 ? 4 : 8), bytes.Length);

        NpyArray seekable = Npy.Read(new MemoryStream(bytes));
        NpyArray forwardOnly = Npy.Read(new NpyTestData.ForwardOnlyStream(bytes));
        foreach (NpyArray back in new[] { seekable, forwardOnly })
        {
            Assert.Equal(type, back.DataType);
            Assert.Equal(shape, back.Shape);
            Assert.Equal(original.Data, back.Data);
        }
    }

    [Fact]
    public void Fortran_order_on_disk_is_column_major()
    {
        var array = NpyArray.FromInt64([1, 2, 3, 4, 5, 6], 2, 3);
        using var stream = new MemoryStream();
        Npy.Write(stream, array, NpyOrder.Fortran);
        byte[] bytes = stream.ToArray();
        var onDisk = new long[6];
        Buffer.BlockCopy(bytes, bytes.Length - 48, onDisk, 0, 48);
        Assert.Equal(new long[] { 1, 4, 2, 5, 3, 6 }, onDisk);
        Assert.Contains("'fortran_order': True", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Float_bit_patterns_survive_including_nan_infinity_and_negative_zero()
    {
        double[] values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0123)];
        using var stream = new MemoryStream();
        Npy.Write(stream, NpyArray.FromDoubles(values, values.Length));
        double[] back = (double[])Npy.Read(new MemoryStream(stream.ToArray())).Data;
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void A_header_too_long_for_version_1_uses_version_2()
    {
        // 22000 axes of length 1 ("1, " each) need a header longer than 65535 bytes.
        long[] shape = Enumerable.Repeat(1L, 22000).ToArray();
        using var stream = new MemoryStream();
        Npy.Write(stream, NpyArray.FromDoubles([2.5], shape));
        byte[] bytes = stream.ToArray();
        Assert.Equal(2, bytes[6]);
        NpyArray back = Npy.Read(new MemoryStream(bytes));
        Assert.Equal(shape, back.Shape);
        Assert.Equal(2.5, ((double[])back.Data)[0]);
    }

    [Fact]
    public void Matrices_round_trip_through_a_file_and_vectors_pick_their_orientation()
    {
        string dir = NpyTestData.TempDirectory();
        try
        {
            var m = Matrix<float>.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
            string path = Path.Combine(dir, "m.npy");
            Npy.Write(path, NpyArray.FromMatrix(m.View.Transposed), NpyOrder.Fortran);
            Matrix<float> back = Npy.Read(path).ToMatrix<float>();
            Assert.Equal(3, back.Rows);
            Assert.Equal(m.View.Transposed.ToMatrix().Data, back.Data);
            Assert.Equal(["m.npy"], Directory.GetFiles(dir).Select(Path.GetFileName));

            var vector = NpyArray.FromDoubles([1, 2, 3], 3);
            Assert.Equal((1, 3), (vector.ToMatrix<double>().Rows, vector.ToMatrix<double>().Cols));
            Matrix<double> column = vector.ToMatrix<double>(VectorOrientation.Column);
            Assert.Equal((3, 1), (column.Rows, column.Cols));
            Matrix<double> scalar = NpyArray.FromDoubles([4.5]).ToMatrix<double>();
            Assert.Equal((1, 1, 4.5), (scalar.Rows, scalar.Cols, scalar[0, 0]));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Matrix_shortcuts_write_and_read_a_file()
    {
        string dir = NpyTestData.TempDirectory();
        try
        {
            var m = Matrix<double>.FromArray(new double[,] { { 1.5, -2 }, { 3, 4 }, { 5, 6.25 } });
            string path = Path.Combine(dir, "m.npy");
            Npy.Write(path, m.View);
            Assert.Equal(NpyDataType.Float64, Npy.Read(path).DataType);
            Matrix<float> back = Npy.ReadMatrix<float>(path);
            Assert.Equal((3, 2), (back.Rows, back.Cols));
            Assert.Equal(Array.ConvertAll(m.Data, x => (float)x), back.Data);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Three_dimensional_arrays_do_not_become_matrices_and_floats_are_not_integers()
    {
        var cube = NpyArray.FromDoubles(new double[8], 2, 2, 2);
        var e = Assert.Throws<NpyFormatException>(() => cube.ToMatrix<double>());
        Assert.Contains("(2, 2, 2)", e.Found, StringComparison.Ordinal);
        Assert.Throws<NpyFormatException>(() => cube.ToInt64Array());
    }

    [Fact]
    public void Mismatched_data_and_shape_are_rejected()
    {
        Assert.Throws<ShapeMismatchException>(() => NpyArray.FromDoubles(new double[5], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => NpyArray.FromDoubles(new double[0], -1));
    }

    [Property(MaxTest = 60)]
    public Property Random_shapes_round_trip_in_both_orders(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        long[] shape = Enumerable.Range(0, random.Next(0, 5)).Select(_ => (long)random.Next(0, 5)).ToArray();
        var type = (NpyDataType)random.Next(0, 4);
        var order = (NpyOrder)random.Next(0, 2);
        NpyArray original = RandomArray(type, shape, random);
        using var stream = new MemoryStream();
        Npy.Write(stream, original, order);
        NpyArray back = Npy.Read(new MemoryStream(stream.ToArray()));
        return (back.Shape.SequenceEqual(shape) && back.DataType == type && StructuralEquals(original.Data, back.Data))
            .Label($"{type} {order} {NpyArrayShape(shape)}");
    }

    private static string NpyArrayShape(long[] shape) => "(" + string.Join(",", shape) + ")";

    private static bool StructuralEquals(Array a, Array b) =>
        System.Collections.StructuralComparisons.StructuralEqualityComparer.Equals(a, b);

    private static NpyArray RandomArray(NpyDataType type, long[] shape, Random random)
    {
        int count = (int)shape.Aggregate(1L, (p, s) => p * s);
        return type switch
        {
            NpyDataType.Float64 => NpyArray.FromDoubles(Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray(), shape),
            NpyDataType.Float32 => NpyArray.FromSingles(Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), shape),
            NpyDataType.Int64 => NpyArray.FromInt64(Enumerable.Range(0, count).Select(_ => random.NextInt64(long.MinValue, long.MaxValue)).ToArray(), shape),
            _ => NpyArray.FromInt32(Enumerable.Range(0, count).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray(), shape),
        };
    }
}
