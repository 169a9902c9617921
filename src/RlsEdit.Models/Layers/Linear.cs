using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models.Layers;

/// <summary>
/// y = x·W (+ b). GPT-2's Conv1D stores W as [in, out]; nn.Linear stores [out, in] and is used through its
/// transposed view, so both share one GEMM call.
/// </summary>
internal sealed class Linear<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Parameter<T> Weight { get; }
    public Parameter<T>? Bias { get; }
    private readonly bool _storedInOut;

    public Linear(Parameter<T> weight, Parameter<T>? bias, bool storedInOut)
    {
        Weight = weight; Bias = bias; _storedInOut = storedInOut;
    }

    public int In => _storedInOut ? Weight.Value.Rows : Weight.Value.Cols;
    public int Out => _storedInOut ? Weight.Value.Cols : Weight.Value.Rows;

    /// <summary>W as an [in, out] view.</summary>
    private MatrixView<T> W => _storedInOut ? Weight.Value.View : Weight.Value.View.Transposed;

    // x: [N, in] → y: [N, out]
    public void Forward(MatrixView<T> x, MatrixView<T> y)
    {
        Blas.Gemm(T.One, x, W, T.Zero, y);
        if (Bias is null) return;
        var b = Bias.Value.Data.AsSpan();
        for (int n = 0; n < y.Rows; n++)
        {
            var row = y.RowSpan(n);
            for (int j = 0; j < row.Length; j++) row[j] += b[j];
        }
    }

    // x: [N, in], dy: [N, out] → dx: [N, in] (overwritten, or accumulated when accumulate is set);
    // dW += xᵀ·dy and db += Σₙ dy when parameter gradients are wanted.
    public void Backward(MatrixView<T> x, MatrixView<T> dy, MatrixView<T> dx, bool accumulate, bool parameterGradients)
    {
        Blas.Gemm(T.One, dy, W.Transposed, accumulate ? T.One : T.Zero, dx);
        if (!parameterGradients) return;
        var g = Weight.EnsureGradient().View;
        // Write the gradient in its own row-major layout ([out, in] is dyᵀ·x): a transposed C is the GEMM's slow path.
        if (_storedInOut) Blas.Gemm(T.One, x.Transposed, dy, T.One, g);
        else Blas.Gemm(T.One, dy.Transposed, x, T.One, g);
        if (Bias is null) return;
        var db = Bias.EnsureGradient().Data.AsSpan();
        for (int n = 0; n < dy.Rows; n++)
        {
            var row = dy.RowSpan(n);
            for (int j = 0; j < row.Length; j++) db[j] += row[j];
        }
    }
}
