using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.State;

/// <summary>
/// An edit stream read from a <c>.npz</c>: <c>W0</c> [d_k, d_v]; optional anchor <c>K0</c> [n₀, d_k] and <c>V0</c> [n₀, d_v];
/// all key rows <c>K</c> [N, d_k] and value rows <c>V</c> [N, d_v]; <c>sizes</c> [T] (integers ≥ 0, Σ = N) giving u_t for
/// each step in order.
/// </summary>
/// <typeparam name="T">Element type the arrays are converted to.</typeparam>
public sealed class KeyValueStreamFile<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>W₀ (d_k×d_v).</summary>
    public required Matrix<T> W0 { get; init; }
    /// <summary>K₀ (n₀×d_k), or null.</summary>
    public Matrix<T>? K0 { get; init; }
    /// <summary>V₀ (n₀×d_v), or null (then V₀ = K₀W₀).</summary>
    public Matrix<T>? V0 { get; init; }
    /// <summary>Every key row of the stream (N×d_k).</summary>
    public required Matrix<T> Keys { get; init; }
    /// <summary>Every value row of the stream (N×d_v).</summary>
    public required Matrix<T> Values { get; init; }
    /// <summary>u_t per step.</summary>
    public required int[] Sizes { get; init; }

    /// <summary>The anchor, or null when the file has no <c>K0</c>.</summary>
    public Anchor<T>? Anchor => K0 is null ? null : Anchor<T>.FromKeys(K0.View, V0?.View);

    /// <summary>The batches (K_t, V_t) as views into <see cref="Keys"/> and <see cref="Values"/>.</summary>
    public IEnumerable<(MatrixView<T> Keys, MatrixView<T> Values)> Batches()
    {
        int start = 0;
        foreach (int u in Sizes)
        {
            yield return (Keys.View.RowRange(start, u), Values.View.RowRange(start, u));
            start += u;
        }
    }

    /// <summary>Reads and validates the stream at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">An array is missing, has the wrong rank, shape or dtype, holds NaN/∞, or the sizes do not sum to N.</exception>
    /// <exception cref="NpyFormatException">The file is not a readable .npz archive.</exception>
    public static KeyValueStreamFile<T> Load(string path)
    {
        var arrays = Npz.Read(path);
        string[] known = ["W0", "K0", "V0", "K", "V", "sizes"];
        foreach (string name in arrays.Keys)
            if (!known.Contains(name))
                throw new InvalidDataException($"stream '{path}': unexpected array '{name}' (expected W0, K, V, sizes and optionally K0, V0).");

        Matrix<T> Read(string name, int rows, int cols, string shapeText)
        {
            if (!arrays.TryGetValue(name, out var a))
                throw new InvalidDataException($"stream '{path}': missing array '{name}' {shapeText}.");
            if (a.DataType is not (NpyDataType.Float32 or NpyDataType.Float64))
                throw new InvalidDataException($"stream '{path}': array '{name}' must be float32 or float64, got {a.DataType}.");
            if (a.Rank != 2 || (rows >= 0 && a.Shape[0] != rows) || (cols >= 0 && a.Shape[1] != cols))
                throw new InvalidDataException($"stream '{path}': array '{name}' has shape [{string.Join(", ", a.Shape)}], expected {shapeText}.");
            var m = a.ToMatrix<T>();
            for (int i = 0; i < m.Rows; i++)
                for (int j = 0; j < m.Cols; j++)
                    if (!T.IsFinite(m[i, j]))
                        throw new InvalidDataException($"stream '{path}': array '{name}' holds {m[i, j]} at [{i}, {j}]; every entry must be finite.");
            return m;
        }

        var w0 = Read("W0", -1, -1, "[d_k, d_v]");
        int dk = w0.Rows, dv = w0.Cols;
        var keys = Read("K", -1, dk, $"[N, d_k] = [N, {dk}] (d_k from W0 [{dk}, {dv}])");
        var values = Read("V", keys.Rows, dv, $"[N, d_v] = [{keys.Rows}, {dv}] (N from K, d_v from W0)");
        Matrix<T>? k0 = arrays.ContainsKey("K0") ? Read("K0", -1, dk, $"[n0, d_k] = [n0, {dk}]") : null;
        Matrix<T>? v0 = null;
        if (arrays.ContainsKey("V0"))
        {
            if (k0 is null) throw new InvalidDataException($"stream '{path}': 'V0' is given without 'K0'.");
            v0 = Read("V0", k0.Rows, dv, $"[n0, d_v] = [{k0.Rows}, {dv}] (n0 from K0)");
        }

        if (!arrays.TryGetValue("sizes", out var s))
            throw new InvalidDataException($"stream '{path}': missing array 'sizes' [T] (rows per step, summing to N = {keys.Rows}).");
        if (s.DataType is not (NpyDataType.Int64 or NpyDataType.Int32) || s.Rank != 1)
            throw new InvalidDataException($"stream '{path}': 'sizes' must be a 1-D int64 array, got {s.DataType} [{string.Join(", ", s.Shape)}].");
        long[] raw = s.ToInt64Array();
        long total = 0;
        foreach (long u in raw)
        {
            if (u < 0) throw new InvalidDataException($"stream '{path}': 'sizes' holds a negative step size {u}.");
            total += u;
        }
        if (total != keys.Rows)
            throw new InvalidDataException($"stream '{path}': 'sizes' sums to {total}, but K and V have N = {keys.Rows} rows.");
        return new KeyValueStreamFile<T> { W0 = w0, K0 = k0, V0 = v0, Keys = keys, Values = values, Sizes = raw.Select(u => (int)u).ToArray() };
    }
}
