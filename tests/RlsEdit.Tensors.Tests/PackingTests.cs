using RlsEdit.Tensors.Kernels;
using Xunit;

namespace RlsEdit.Tensors.Tests;

/// <summary>
/// The A packing against its definition — sliver s holds A[row + s·MR + i, col + p] at [s·kc·MR + p·MR + i], zero
/// below the block's last row — for row-major, column-major and non-unit strides, odd and short kc, partial last
/// slivers, double and single.
/// The B packing against its definition — sliver s holds B[row + p, col + s·NR + j] at [s·kc·NR + p·NR + j], zero
/// beyond the block's last column — for general and symmetric (lower-stored) operands, every window position
/// relative to the diagonal, unit and non-unit strides, and the NR of every dispatchable kernel width.
/// </summary>
public unsafe class PackingTests
{
    private const int Order = 75;

    public static TheoryData<int, int, int, int, int> Windows() => new()
    {
        // row, col, kc, nc, nr
        { 0, 0, 75, 75, 16 }, { 0, 40, 20, 35, 16 }, { 40, 0, 30, 33, 16 }, { 5, 9, 60, 50, 16 }, { 30, 30, 17, 45, 16 },
        { 0, 0, 75, 75, 32 }, { 3, 20, 50, 55, 32 }, { 50, 2, 25, 70, 32 }, { 10, 10, 13, 8, 8 }, { 7, 60, 40, 15, 24 },
    };

    private static double[] Storage(out Random rng)
    {
        rng = new Random(3);
        var values = new double[Order * (Order + 3)];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextDouble() - 0.5;
        return values;
    }

    private static void AssertPacked(Func<int, int, double> expected, double[] packed, int kc, int nc, int nr, string what)
    {
        for (int jr = 0; jr < nc; jr += nr)
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < nr; j++)
                {
                    double got = packed[jr / nr * kc * nr + p * nr + j];
                    double want = jr + j < nc ? expected(p, jr + j) : 0.0;
                    Assert.True(got == want, $"{what}: element ({p}, {jr + j}) is {got}, expected {want}");
                }
    }

    private static double[] Pack(Operand<double> operand, int row, int col, int kc, int nc, int nr)
    {
        var packed = new double[(nc + nr) / nr * nr * kc];
        System.Array.Fill(packed, double.NaN);
        fixed (double* dst = packed) Packing.PackB(operand, row, col, kc, nc, nr, dst);
        return packed;
    }

    [Theory, MemberData(nameof(Windows))]
    public void Symmetric_B_packs_its_lower_triangle_mirrored(int row, int col, int kc, int nc, int nr)
    {
        var storage = Storage(out _);
        fixed (double* s = storage)
        {
            // Row-major with padding (row stride Order + 3), and the same triangle seen with neither stride 1.
            foreach (var (rowStride, colStride, name) in new[] { ((nint)(Order + 3), (nint)1, "row-major"), (1, Order + 3, "column-major") })
            {
                double At(int i, int j) => i >= j ? storage[i * rowStride + j * colStride] : storage[j * rowStride + i * colStride];
                var operand = new Operand<double>(s, rowStride, colStride, symmetricLower: true);
                AssertPacked((p, j) => At(row + p, col + j), Pack(operand, row, col, kc, nc, nr), kc, nc, nr, $"symmetric {name} ({row}, {col}) {kc}×{nc} NR {nr}");
                // A sub-block of the symmetric matrix keeps its origin (Operand.Offset), not a shifted triangle.
                var block = operand.Offset(2, 1);
                AssertPacked((p, j) => At(2 + row + p, 1 + col + j), Pack(block, row, col, Math.Min(kc, Order - 2 - row), Math.Min(nc, Order - 1 - col), nr),
                    Math.Min(kc, Order - 2 - row), Math.Min(nc, Order - 1 - col), nr, $"symmetric block {name} ({row}, {col}) NR {nr}");
            }
        }
    }

    [Theory, MemberData(nameof(Windows))]
    public void General_B_packs_the_block(int row, int col, int kc, int nc, int nr)
    {
        var storage = Storage(out _);
        fixed (double* s = storage)
        {
            foreach (var (rowStride, colStride) in new[] { ((nint)(Order + 3), (nint)1), (1, Order + 3) })
            {
                var operand = new Operand<double>(s, rowStride, colStride);
                AssertPacked((p, j) => storage[(row + p) * rowStride + (col + j) * colStride], Pack(operand, row, col, kc, nc, nr), kc, nc, nr,
                    $"general strides ({rowStride}, {colStride}) ({row}, {col}) {kc}×{nc} NR {nr}");
            }
        }
    }

    public static TheoryData<int, int, int, int, int> AWindows() => new()
    {
        // row, col, mc, kc, mr
        { 0, 0, 75, 75, 14 }, { 3, 5, 70, 64, 14 }, { 1, 2, 29, 7, 14 }, { 10, 40, 13, 35, 14 }, { 0, 1, 27, 3, 14 },
        { 2, 0, 60, 33, 10 }, { 4, 9, 41, 66, 8 }, { 0, 0, 5, 9, 6 }, { 7, 7, 11, 18, 4 }, { 5, 3, 31, 1, 14 },
    };

    private static void AssertPackedA<T>(Func<int, int, T> expected, T[] packed, int mc, int kc, int mr, string what) where T : unmanaged
    {
        for (int ir = 0; ir < mc; ir += mr)
            for (int p = 0; p < kc; p++)
                for (int i = 0; i < mr; i++)
                {
                    T got = packed[ir / mr * kc * mr + p * mr + i];
                    T want = ir + i < mc ? expected(ir + i, p) : default;
                    Assert.True(got.Equals(want), $"{what}: element ({ir + i}, {p}) is {got}, expected {want}");
                }
    }

    private static void CheckPackA<T>(T[] storage, int row, int col, int mc, int kc, int mr, T poison) where T : unmanaged
    {
        fixed (T* s = storage)
        {
            foreach (var (rowStride, colStride) in new[] { ((nint)(Order + 3), (nint)1), (1, Order + 3), (Order + 3, 2) })
            {
                if ((row + mc - 1) * rowStride + (col + kc - 1) * colStride >= storage.Length) continue;
                var packed = new T[(mc + mr - 1) / mr * mr * kc];
                System.Array.Fill(packed, poison);
                fixed (T* dst = packed) Packing.PackA(new Operand<T>(s, rowStride, colStride), row, col, mc, kc, mr, dst);
                AssertPackedA((i, p) => storage[(row + i) * rowStride + (col + p) * colStride], packed, mc, kc, mr,
                    $"{typeof(T).Name} strides ({rowStride}, {colStride}) ({row}, {col}) {mc}×{kc} MR {mr}");
            }
        }
    }

    [Theory, MemberData(nameof(AWindows))]
    public void General_A_packs_the_block(int row, int col, int mc, int kc, int mr)
    {
        var storage = Storage(out _);
        CheckPackA(storage, row, col, mc, kc, mr, double.NaN);
        CheckPackA(storage.Select(v => (float)v).ToArray(), row, col, mc, kc, mr, float.NaN);
    }
}
