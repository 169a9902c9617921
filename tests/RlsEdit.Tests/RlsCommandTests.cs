using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Tests;

public sealed class RlsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path_(string name) => Path.Combine(_dir, name);

    private static Problem SmallProblem() =>
        new StreamCase(6, 3, [2, 1, 4, 3], Alpha: 0.5, Beta: 2.0, HasAnchor: true, ExplicitValues: true, Seed: 99).Build();

    private string WriteStream(Problem p, Action<Dictionary<string, NpyArray>>? tamper = null)
    {
        var k = new Matrix<double>(p.Batches.Sum(b => b.K.Rows), p.W0.Rows);
        var v = new Matrix<double>(k.Rows, p.W0.Cols);
        int r = 0;
        foreach (var (bk, bv) in p.Batches)
        {
            bk.View.CopyTo(k.View.RowRange(r, bk.Rows));
            bv.View.CopyTo(v.View.RowRange(r, bv.Rows));
            r += bk.Rows;
        }
        var arrays = new Dictionary<string, NpyArray>
        {
            ["W0"] = NpyArray.FromMatrix(p.W0.View),
            ["K0"] = NpyArray.FromMatrix(p.Anchor!.Keys!.View),
            ["V0"] = NpyArray.FromMatrix(p.Anchor.Values!.View),
            ["K"] = NpyArray.FromMatrix(k.View),
            ["V"] = NpyArray.FromMatrix(v.View),
            ["sizes"] = NpyArray.FromInt64(p.Batches.Select(b => (long)b.K.Rows).ToArray(), p.Batches.Count),
        };
        tamper?.Invoke(arrays);
        string path = Path_("stream.npz");
        Npz.Write(path, arrays.Select(kv => (kv.Key, kv.Value)));
        return path;
    }

    [Theory]
    [InlineData("recursive", "float64", 1e-10, "inverse")]
    [InlineData("recompute", "float64", 1e-10, "inverse")]
    [InlineData("recursive", "float32", 1e-4, "inverse")]
    [InlineData("recursive", "float64", 1e-10, "cholesky")]
    [InlineData("recursive", "float32", 1e-4, "cholesky")]
    public void Rls_writes_the_batch_least_squares_weight_and_a_report(string mode, string dtype, double tolerance, string form)
    {
        var p = SmallProblem();
        string stream = WriteStream(p);
        string output = Path_("out.npz"), report = Path_("report.json");
        int rc = RlsEdit.Cli.Program.Main(["rls", "--stream", stream, "--alpha", "0.5", "--beta", "2", "--out", output,
            "--mode", mode, "--dtype", dtype, "--form", form, "--report", report, "--save-covariance", "--verify"]);
        Assert.Equal(0, rc);
        var arrays = Npz.Read(output);
        var w = TestData.ToMathNet(arrays["W"].ToMatrix<double>());
        Assert.True(TestData.RelativeError(w, TestData.StackedLeastSquares(p, p.Batches.Count)) < tolerance);
        var c = TestData.ToMathNet(arrays["C"].ToMatrix<double>());
        Assert.True(TestData.RelativeError(c, TestData.Information(p, p.Batches.Count).Inverse()) < tolerance * 10);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report)).RootElement;
        Assert.Equal(p.Batches.Count, json.GetProperty("steps").GetArrayLength());
        Assert.Equal(dtype, json.GetProperty("dtype").GetString());
    }

    public static TheoryData<string, Action<Dictionary<string, NpyArray>>> BadStreams => new()
    {
        { "sizes do not sum to N", a => a["sizes"] = NpyArray.FromInt64([2, 1, 4, 2], 4) },
        { "V has the wrong width", a => a["V"] = NpyArray.FromMatrix(new Matrix<double>(10, 2).View) },
        { "K has the wrong width", a => a["K"] = NpyArray.FromMatrix(new Matrix<double>(10, 5).View) },
        { "W0 missing", a => a.Remove("W0") },
        { "V0 without K0", a => a.Remove("K0") },
        { "NaN in V", a => { var v = a["V"].ToMatrix<double>(); v[3, 1] = double.NaN; a["V"] = NpyArray.FromMatrix(v.View); } },
        { "sizes negative", a => a["sizes"] = NpyArray.FromInt64([2, -1, 5, 4], 4) },
    };

    [Theory]
    [MemberData(nameof(BadStreams))]
    public void Bad_stream_exits_with_input_error_and_leaves_no_output(string what, Action<Dictionary<string, NpyArray>> tamper)
    {
        string stream = WriteStream(SmallProblem(), tamper);
        string output = Path_("out.npz"), report = Path_("report.json");
        int rc = RlsEdit.Cli.Program.Main(["rls", "--stream", stream, "--alpha", "0.5", "--beta", "2", "--out", output, "--report", report]);
        Assert.True(rc == 2, $"{what}: exit code {rc}");
        Assert.False(File.Exists(output), what);
        Assert.False(File.Exists(report), what);
        Assert.Single(Directory.GetFiles(_dir));      // only the stream itself: no temporary files either
    }

    [Fact]
    public void Singular_start_information_and_missing_files_are_input_errors()
    {
        string stream = WriteStream(SmallProblem(), a => { a.Remove("K0"); a.Remove("V0"); });
        string output = Path_("out.npz");
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["rls", "--stream", stream, "--alpha", "0", "--beta", "3", "--out", output]));
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["rls", "--stream", Path_("nope.npz"), "--alpha", "1", "--beta", "0", "--out", output]));
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["rls", "--stream", stream, "--alpha", "1", "--beta", "0", "--out", Path_("no/such/dir/out.npz")]));
        Assert.False(File.Exists(output));
    }
}
