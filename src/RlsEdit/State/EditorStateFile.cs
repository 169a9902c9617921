using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using RlsEdit.Tensors;

namespace RlsEdit.State;

/// <summary>
/// Saves and restores an <see cref="RlsEditor{T}"/> as a NumPy <c>.npz</c> archive, written atomically (temporary file,
/// then rename). Entries: <c>W</c> [d_k, d_v]; <c>C</c> [d_k, d_k] (C_t, or C₀ in reset mode; absent in recompute mode);
/// or <c>L</c> [d_k, d_k], the lower Cholesky factor of H, for <see cref="CovarianceForm.CholeskyFactor"/>;
/// <c>H</c> [d_k, d_k] and <c>B</c> [d_k, d_v] when the editor keeps the normal equations; scalars <c>step</c> (int64),
/// <c>alpha</c>, <c>beta</c> (float64), <c>mode</c> (int64: 0 recursive, 1 reset, 2 recompute), <c>form</c> (int64: 0 inverse,
/// 1 Cholesky factor), <c>refactor_every</c> (int64),
/// <c>format_version</c> (int64, 1); and <c>checksum</c>, int64[4] holding the SHA-256 of every other entry's name, dtype,
/// shape and bytes, in name order.
/// </summary>
public static class EditorStateFile
{
    /// <summary>The layout version written by <see cref="Save{T}"/>.</summary>
    public const long FormatVersion = 1;

    private const string ChecksumName = "checksum";

    /// <summary>Writes <paramref name="editor"/>'s state to <paramref name="path"/> atomically.</summary>
    public static void Save<T>(string path, RlsEditor<T> editor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(editor);
        var entries = new List<(string Name, NpyArray Array)>
        {
            ("W", NpyArray.FromMatrix(editor.Weight.View)),
            ("step", NpyArray.FromInt64([editor.StepCount])),
            ("alpha", NpyArray.FromDoubles([editor.Hyper.Alpha])),
            ("beta", NpyArray.FromDoubles([editor.Hyper.Beta])),
            ("mode", NpyArray.FromInt64([(long)editor.Mode])),
            ("form", NpyArray.FromInt64([(long)editor.Options.Form])),
            ("refactor_every", NpyArray.FromInt64([editor.Options.RefactorEvery])),
            ("format_version", NpyArray.FromInt64([FormatVersion])),
        };
        if (editor.CovarianceStorage is { } stored)
        {
            if (editor.Options.Form == CovarianceForm.CholeskyFactor)
            {
                var l = new Matrix<T>(stored.Rows, stored.Cols);
                SymmetricStorage.CopyLower(stored.View, l.View);
                entries.Add(("L", NpyArray.FromMatrix(l.View)));
            }
            else entries.Add(("C", NpyArray.FromMatrix(editor.Covariance().View)));
        }
        if (editor.Normal is { } normal)
        {
            var h = normal.Information.Clone();
            SymmetricStorage.MirrorLowerToUpper(h.View);
            entries.Add(("H", NpyArray.FromMatrix(h.View)));
            entries.Add(("B", NpyArray.FromMatrix(normal.RightHandSide.View)));
        }
        entries.Add((ChecksumName, NpyArray.FromInt64(Checksum(entries), 4)));
        Npz.Write(path, entries);
    }

    /// <summary>Restores an editor saved by <see cref="Save{T}"/>; the element type must match the file's.</summary>
    /// <exception cref="InvalidDataException">An entry is missing, has the wrong dtype or shape, or the checksum does not match.</exception>
    /// <exception cref="NpyFormatException">The file is not a readable .npz archive.</exception>
    public static RlsEditor<T> Load<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var arrays = Npz.Read(path);
        NpyArray Get(string name) => arrays.TryGetValue(name, out var a) ? a
            : throw new InvalidDataException($"state file '{path}': missing array '{name}'.");

        long version = Scalar(Get("format_version"), path, "format_version");
        if (version != FormatVersion)
            throw new InvalidDataException($"state file '{path}': format_version {version} is not supported (expected {FormatVersion}).");
        var stored = Get(ChecksumName);
        var expected = Checksum(arrays.Where(kv => kv.Key != ChecksumName).Select(kv => (kv.Key, kv.Value)));
        if (stored.DataType != NpyDataType.Int64 || !stored.ToInt64Array().SequenceEqual(expected))
            throw new InvalidDataException($"state file '{path}': checksum mismatch — the file is corrupted or was edited.");

        var expectedType = typeof(T) == typeof(float) ? NpyDataType.Float32 : NpyDataType.Float64;
        Matrix<T> ReadMatrix(string name, int rows, int cols)
        {
            var a = Get(name);
            if (a.DataType != expectedType)
                throw new InvalidDataException($"state file '{path}': array '{name}' has dtype {a.DataType}, expected {expectedType} for an editor of {typeof(T).Name}.");
            if (a.Rank != 2 || (rows >= 0 && a.Shape[0] != rows) || (cols >= 0 && a.Shape[1] != cols))
                throw new InvalidDataException($"state file '{path}': array '{name}' has shape [{string.Join(", ", a.Shape)}], expected [{(rows >= 0 ? rows : "d_k")}, {(cols >= 0 ? cols : "d_v")}].");
            return a.ToMatrix<T>();
        }

        var w = ReadMatrix("W", -1, -1);
        int dk = w.Rows, dv = w.Cols;
        long modeCode = Scalar(Get("mode"), path, "mode");
        if (modeCode is < 0 or > 2) throw new InvalidDataException($"state file '{path}': mode {modeCode} is not 0, 1 or 2.");
        var mode = (EditMode)modeCode;
        long step = Scalar(Get("step"), path, "step");
        if (step is < 0 or > int.MaxValue) throw new InvalidDataException($"state file '{path}': step {step} is out of range.");
        var hyper = new RlsHyperParameters(Get("alpha").ToDoubleArray()[0], Get("beta").ToDoubleArray()[0]);
        long formCode = Scalar(Get("form"), path, "form");
        if (formCode is < 0 or > 1) throw new InvalidDataException($"state file '{path}': form {formCode} is not 0 or 1.");
        var form = (CovarianceForm)formCode;
        var options = new RlsEditorOptions { Mode = mode, Form = form, RefactorEvery = (int)Scalar(Get("refactor_every"), path, "refactor_every"), TrackInformation = arrays.ContainsKey("H") };

        Matrix<T>? c = mode == EditMode.Recompute ? null : ReadMatrix(form == CovarianceForm.CholeskyFactor ? "L" : "C", dk, dk);
        NormalEquations<T>? normal = null;
        if (arrays.ContainsKey("H") || mode == EditMode.Recompute)
            normal = new NormalEquations<T>(ReadMatrix("H", dk, dk), ReadMatrix("B", dk, dv));
        return new RlsEditor<T>(w, c, normal, hyper, options, (int)step);
    }

    private static long Scalar(NpyArray a, string path, string name)
    {
        if (a.Count != 1 || a.DataType is not (NpyDataType.Int64 or NpyDataType.Int32))
            throw new InvalidDataException($"state file '{path}': '{name}' must be one integer, got {a.DataType} [{string.Join(", ", a.Shape)}].");
        return a.ToInt64Array()[0];
    }

    internal static long[] Checksum(IEnumerable<(string Name, NpyArray Array)> entries)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, array) in entries.Where(e => e.Name != ChecksumName).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}|{array.DataType}|{string.Join(",", array.Shape)}|"));
            sha.AppendData(array.Data switch
            {
                double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
                float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
                long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
                int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
                _ => throw new InvalidDataException($"state entry '{name}' has an unsupported element type."),
            });
        }
        var hash = sha.GetHashAndReset();
        var words = new long[4];
        MemoryMarshal.Cast<byte, long>(hash).CopyTo(words);
        return words;
    }
}
