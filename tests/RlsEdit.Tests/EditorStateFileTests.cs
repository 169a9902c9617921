using RlsEdit.State;
using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Tests;

public sealed class EditorStateFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-state-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (RlsEditor<double> Editor, List<(Matrix<double> K, Matrix<double> V)> Remaining) Run(EditMode mode, bool track,
        CovarianceForm form = CovarianceForm.Inverse)
    {
        var rng = new Random(17);
        var w0 = TestData.Gaussian(rng, 7, 3);
        var anchor = Anchor<double>.FromKeys(TestData.Gaussian(rng, 5, 7).View, TestData.Gaussian(rng, 5, 3).View);
        var editor = new RlsEditor<double>(w0.View, new RlsHyperParameters(0.3, 2), anchor, new RlsEditorOptions { Mode = mode, TrackInformation = track, Form = form });
        var batches = Enumerable.Range(0, 8).Select(i => (TestData.Gaussian(rng, 1 + i % 3, 7), TestData.Gaussian(rng, 1 + i % 3, 3))).ToList();
        foreach (var (k, v) in batches.Take(4)) editor.Step(k.View, v.View);
        return (editor, batches.Skip(4).ToList());
    }

    [Theory]
    [InlineData(EditMode.Recursive, false, CovarianceForm.Inverse)]
    [InlineData(EditMode.Recursive, true, CovarianceForm.Inverse)]
    [InlineData(EditMode.Reset, false, CovarianceForm.Inverse)]
    [InlineData(EditMode.Recompute, false, CovarianceForm.Inverse)]
    [InlineData(EditMode.Recursive, false, CovarianceForm.CholeskyFactor)]
    [InlineData(EditMode.Reset, true, CovarianceForm.CholeskyFactor)]
    public void Saved_editor_resumes_exactly_where_it_stopped(EditMode mode, bool track, CovarianceForm form)
    {
        var (editor, rest) = Run(mode, track, form);
        string path = Path.Combine(_dir, "state.npz");
        EditorStateFile.Save(path, editor);
        var loaded = EditorStateFile.Load<double>(path);
        Assert.Equal(editor.StepCount, loaded.StepCount);
        Assert.Equal(editor.Mode, loaded.Mode);
        Assert.Equal(editor.Options.Form, loaded.Options.Form);
        Assert.Equal(editor.Hyper, loaded.Hyper);
        Assert.Equal(editor.Weight.Data, loaded.Weight.Data);
        foreach (var (k, v) in rest)
        {
            editor.Step(k.View, v.View);
            loaded.Step(k.View, v.View);
        }
        // Identical arithmetic on identical state: bit-for-bit equal, except C is reloaded from its mirrored full copy.
        Assert.True(Norms.FrobeniusDistance(editor.Weight.View, loaded.Weight.View) <= 1e-13 * Norms.Frobenius(editor.Weight.View));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Float32_state_round_trips_and_refuses_to_load_as_float64()
    {
        var rng = new Random(4);
        var editor = new RlsEditor<float>(TestData.ToFloat(TestData.Gaussian(rng, 4, 2)).View, new RlsHyperParameters(1, 0));
        editor.Step(TestData.ToFloat(TestData.Gaussian(rng, 2, 4)).View, TestData.ToFloat(TestData.Gaussian(rng, 2, 2)).View);
        string path = Path.Combine(_dir, "f32.npz");
        EditorStateFile.Save(path, editor);
        Assert.Equal(editor.Weight.Data, EditorStateFile.Load<float>(path).Weight.Data);
        var e = Assert.Throws<InvalidDataException>(() => EditorStateFile.Load<double>(path));
        Assert.Contains("'W'", e.Message);
        Assert.Contains("Float32", e.Message);
    }

    [Fact]
    public void Tampered_file_is_rejected_by_the_checksum()
    {
        var (editor, _) = Run(EditMode.Recursive, false);
        string path = Path.Combine(_dir, "state.npz");
        EditorStateFile.Save(path, editor);
        var arrays = Npz.Read(path).ToDictionary(kv => kv.Key, kv => kv.Value);
        var w = arrays["W"].ToMatrix<double>();
        w[2, 1] += 1e-9;
        arrays["W"] = NpyArray.FromMatrix(w.View);
        Npz.Write(path, arrays.Select(kv => (kv.Key, kv.Value)));
        var e = Assert.Throws<InvalidDataException>(() => EditorStateFile.Load<double>(path));
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void Missing_entry_is_named()
    {
        var (editor, _) = Run(EditMode.Recursive, false);
        string path = Path.Combine(_dir, "state.npz");
        EditorStateFile.Save(path, editor);
        var kept = Npz.Read(path).Where(kv => kv.Key is not ("C" or "checksum")).Select(kv => (kv.Key, kv.Value)).ToList();
        Assert.Throws<InvalidDataException>(() => { Npz.Write(path, kept.Append(("checksum", Npz.Read(path)["checksum"]))); EditorStateFile.Load<double>(path); });
        // With a digest that matches what is left, the loader reaches the shape checks and names the missing array.
        Npz.Write(path, kept.Append(("checksum", NpyArray.FromInt64(EditorStateFile.Checksum(kept), 4))));
        var e = Assert.Throws<InvalidDataException>(() => EditorStateFile.Load<double>(path));
        Assert.Contains("missing array 'C'", e.Message);
    }
}
