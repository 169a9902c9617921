namespace RlsEdit.Tensors.Tests;

/// <summary>Shared helpers for the .npy/.npz tests: fixture paths and the value formula of tools/golden/make_npy_fixtures.py.</summary>
internal static class NpyTestData
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The golden script's value at a multi-index: Σ index[a]·10^(rank−1−a), then /4 − 1.5 for floats or − 7 for ints.</summary>
    public static double GridValue(long[] shape, long cOrderIndex, bool isFloat)
    {
        double v = 0, weight = 1;
        for (int a = shape.Length - 1; a >= 0; a--)
        {
            long i = cOrderIndex % shape[a];
            cOrderIndex /= shape[a];
            v += weight * i;
            weight *= 10;
        }
        return isFloat ? v / 4 - 1.5 : v - 7;
    }

    public static double[] GridValues(long[] shape, bool isFloat)
    {
        long count = 1;
        foreach (long s in shape) count *= s;
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = GridValue(shape, i, isFloat);
        return values;
    }

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rlsedit-npy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A stream that refuses to seek, like a network or decompression stream.</summary>
    public sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
