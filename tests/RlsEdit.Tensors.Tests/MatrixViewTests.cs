using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Tensors.Tests;

public class MatrixViewTests
{
    [Fact]
    public void Transposed_view_shares_storage_and_swaps_indices()
    {
        var m = Matrix<double>.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var t = m.View.Transposed;
        Assert.Equal(3, t.Rows);
        Assert.Equal(2, t.Cols);
        Assert.Equal(6.0, t[2, 1]);
        t[0, 1] = 40;
        Assert.Equal(40.0, m[1, 0]);
    }

    [Fact]
    public void Slice_addresses_the_sub_block()
    {
        var m = new Matrix<float>(5, 7);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = i;
        var s = m.View.Slice(1, 2, 3, 4);
        Assert.Equal(1 * 7 + 2, s[0, 0]);
        Assert.Equal(3 * 7 + 5, s[2, 3]);
        Assert.Equal(s[2, 3], s.Transposed[3, 2]);
    }

    [Fact]
    public void Out_of_range_slice_is_rejected_with_the_shapes()
    {
        var m = new Matrix<double>(3, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => m.View.Slice(2, 2, 2, 2));
        Assert.Contains("3×3", e.Message);
    }

    [Fact]
    public void Empty_views_are_allowed()
    {
        var m = new Matrix<double>(0, 4);
        Assert.True(m.View.IsEmpty);
        Assert.Equal(4, m.View.Transposed.Rows);
    }
}
