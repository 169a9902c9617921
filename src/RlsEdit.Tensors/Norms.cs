using System.Numerics;

namespace RlsEdit.Tensors;

/// <summary>Matrix norms and distances used by reports and tests.</summary>
public static class Norms
{
    /// <summary>‖A‖_F, accumulated with scaling so that it neither overflows nor underflows.</summary>
    public static T Frobenius<T>(MatrixView<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.Zero, sumSq = T.One;
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < a.Cols; j++)
            {
                T x = T.Abs(a[i, j]);
                if (x == T.Zero) continue;
                if (scale < x) { T r = scale / x; sumSq = T.One + sumSq * r * r; scale = x; }
                else { T r = x / scale; sumSq += r * r; }
            }
        return scale * T.Sqrt(sumSq);
    }

    /// <summary>‖A − B‖_F for two views of the same shape.</summary>
    public static T FrobeniusDistance<T>(MatrixView<T> a, MatrixView<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.SameShape(a, b, "Norms.FrobeniusDistance", "a", "b");
        var d = new Matrix<T>(a.Rows, a.Cols);
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < a.Cols; j++) d[i, j] = a[i, j] - b[i, j];
        return Frobenius(d.View);
    }

    /// <summary>max |a_ij|; zero for an empty view.</summary>
    public static T MaxAbs<T>(MatrixView<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.Zero;
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < a.Cols; j++) m = T.Max(m, T.Abs(a[i, j]));
        return m;
    }
}
