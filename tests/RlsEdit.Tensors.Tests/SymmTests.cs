using System.Numerics;
using RlsEdit.Tensors;
using RlsEdit.Tensors.Kernels;
using Xunit;
using static RlsEdit.Tensors.Tests.Level3Cases;

namespace RlsEdit.Tensors.Tests;

public class SymmTests
{
    private static void Check<T>(Side side, int m, int n, Layout ls, Layout lb, Layout lc, double alpha, double beta,
        string optionsName, GemmOptions<T>? options, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int order = side == Side.Left ? m : n;
        var s = TestMatrices.Random<T>(rng, order, order, ls);
        for (int i = 0; i < order; i++) for (int j = i + 1; j < order; j++) s[i, j] = T.NaN; // only the lower triangle may be read
        var b = TestMatrices.Random<T>(rng, m, n, lb);
        var c = TestMatrices.Random<T>(rng, m, n, lc);
        if (beta == 0) c.Fill(T.NaN);
        var c0 = TestMatrices.Copy(c);
        var sym = Oracle.SymmetricFromLower(s);
        var (expected, magnitude) = side == Side.Left
            ? Oracle.Gemm(alpha, sym, Oracle.Of(b), m, n, order, beta, c0)
            : Oracle.Gemm(alpha, Oracle.Of(b), sym, m, n, order, beta, c0);
        if (options is null) Blas.Symm(side, Cast<T>(alpha), s, b, Cast<T>(beta), c);
        else Level3.Symm(side, Cast<T>(alpha), s, b, Cast<T>(beta), c, options);
        string what = $"SYMM {side} " + Describe<T>(optionsName, m, n, order, ls, lb, lc, alpha, beta);
        TestMatrices.AssertClose(c, expected, magnitude, order, what);
        TestMatrices.AssertOutsideUntouched(c, T.NaN, what);
    }

    private static void Sweep<T>(int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var shapes = new (int M, int N)[] { (1, 1), (1, 7), (9, 1), (0, 3), (3, 0), (29, 13), (41, 37), (7, 83) };
        foreach (var (name, options) in Options<T>())
            foreach (var side in new[] { Side.Left, Side.Right })
                foreach (var (m, n) in shapes)
                {
                    var (alpha, beta) = Scalars[rng.Next(Scalars.Length)];
                    Check<T>(side, m, n, Layouts[rng.Next(Layouts.Length)], Layouts[rng.Next(Layouts.Length)], Layouts[rng.Next(Layouts.Length)],
                        alpha, beta, name, options, rng);
                }
    }

    [Fact] public void Double_matches_naive_for_every_kernel_blocking_and_thread_path() => Sweep<double>(31);

    [Fact] public void Single_matches_naive_for_every_kernel_blocking_and_thread_path() => Sweep<float>(32);

    [Theory]
    [InlineData(Side.Left)]
    [InlineData(Side.Right)]
    public void Public_path_with_a_thin_operand_like_the_Woodbury_step(Side side)
    {
        var rng = new Random((int)side + 40);
        foreach (var layout in Layouts)
        {
            var (m, n) = side == Side.Left ? (191, 10) : (10, 191);
            Check<double>(side, m, n, layout, Layout.RowMajor, Layout.RowMajor, 1, 0, "public defaults", null, rng);
            Check<float>(side, m, n, Layout.RowMajor, layout, Layout.Transposed, -1, 1, "public defaults", null, rng);
        }
    }

    [Fact]
    public void Shape_mismatch_names_b()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Blas.Symm(Side.Left, 1.0, new Matrix<double>(4, 4), new Matrix<double>(3, 2), 0.0, new Matrix<double>(3, 2)));
        Assert.Contains("b", e.Message);
    }
}
