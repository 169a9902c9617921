using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using RlsEdit.State;
using RlsEdit.Tensors;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit rls</c>: runs an edit stream stored in a .npz through an <see cref="RlsEditor{T}"/> and writes the edited weight.
/// Nothing is written unless the whole stream succeeds.
/// </summary>
internal static class RlsCommand
{
    public static Command Create()
    {
        var stream = new Option<FileInfo>("--stream") { Description = "Input .npz with W0 [d_k,d_v], K [N,d_k], V [N,d_v], sizes [T] (int64, Σ = N) and optional K0 [n0,d_k], V0 [n0,d_v].", Required = true };
        var alpha = new Option<double>("--alpha") { Description = "Weight α of ‖W − W₀‖².", Required = true };
        var beta = new Option<double>("--beta") { Description = "Weight β of the anchor term ‖K₀W − V₀‖² (needs K0 in the stream to matter).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Output .npz: W (and C with --save-covariance).", Required = true };
        var mode = new Option<string>("--mode") { Description = "recursive (the paper), reset (C back to C₀ each batch, as the reference code) or recompute (re-solve each step).", DefaultValueFactory = _ => "recursive" };
        mode.AcceptOnlyFromAmong("recursive", "reset", "recompute");
        var dtype = new Option<string>("--dtype") { Description = "Precision of W and C.", DefaultValueFactory = _ => "float64" };
        dtype.AcceptOnlyFromAmong("float64", "float32");
        var form = new Option<string>("--form") { Description = "Store C = H⁻¹ (inverse, as the paper) or the Cholesky factor of H (cholesky).", DefaultValueFactory = _ => "inverse" };
        form.AcceptOnlyFromAmong("inverse", "cholesky");
        var report = new Option<FileInfo?>("--report") { Description = "Write a JSON report with one entry per step." };
        var saveCovariance = new Option<bool>("--save-covariance") { Description = "Also store C (d_k×d_k) in the output." };
        var verify = new Option<bool>("--verify") { Description = "Re-solve H⁻¹B once at the end and print the relative difference (recursive/recompute)." };
        var cmd = new Command("rls", "Apply a key/value edit stream (.npz) to one weight with soft recursive least squares.")
        {
            stream, alpha, beta, output, mode, dtype, form, report, saveCovariance, verify,
        };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var args = new Arguments(r.GetValue(stream)!.FullName, r.GetValue(alpha), r.GetValue(beta), r.GetValue(output)!.FullName,
                ParseMode(r.GetValue(mode)!), r.GetValue(form) == "cholesky" ? CovarianceForm.CholeskyFactor : CovarianceForm.Inverse,
                r.GetValue(report)?.FullName, r.GetValue(saveCovariance), r.GetValue(verify));
            return r.GetValue(dtype) == "float32" ? Run<float>(args) : Run<double>(args);
        }));
        return cmd;
    }

    private sealed record Arguments(string Stream, double Alpha, double Beta, string Out, EditMode Mode, CovarianceForm Form, string? Report, bool SaveCovariance, bool Verify);

    private static EditMode ParseMode(string text) => text switch
    {
        "reset" => EditMode.Reset,
        "recompute" => EditMode.Recompute,
        _ => EditMode.Recursive,
    };

    private static int Run<T>(Arguments a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (string? path in new[] { a.Out, a.Report })
            if (path is not null && !Directory.Exists(Path.GetDirectoryName(path)))
                throw new ArgumentException($"rls: the folder of '{path}' does not exist.");
        if (!File.Exists(a.Stream)) throw new FileNotFoundException($"rls: stream file '{a.Stream}' does not exist.");

        var data = KeyValueStreamFile<T>.Load(a.Stream);
        var hyper = new RlsHyperParameters(a.Alpha, a.Beta);
        var editor = new RlsEditor<T>(data.W0.View, hyper, data.Anchor, new RlsEditorOptions { Mode = a.Mode, Form = a.Form, TrackInformation = a.Verify && a.Mode != EditMode.Reset });
        var steps = new JsonArray();
        double totalMs = 0;
        var times = new List<double>(data.Sizes.Length);
        EditStepReport? last = null;
        foreach (var (k, v) in data.Batches())
        {
            last = editor.Step(k, v);
            double ms = last.Elapsed.TotalMilliseconds;
            totalMs += ms;
            times.Add(ms);
            steps.Add(new JsonObject
            {
                ["step"] = last.Step, ["rows"] = last.Rows, ["delta_norm"] = last.DeltaNorm, ["residual_before"] = last.ResidualBefore,
                ["residual_after"] = last.ResidualAfter, ["innovation"] = last.InnovationNorm, ["ms"] = ms,
            });
        }

        double? batchDifference = null;
        if (a.Verify && a.Mode != EditMode.Reset)
        {
            var exact = editor.Normal!.Solve();
            batchDifference = double.CreateTruncating(Norms.FrobeniusDistance(editor.Weight.View, exact.View))
                / Math.Max(double.CreateTruncating(Norms.Frobenius(exact.View)), double.Epsilon);
        }

        string dtypeName = typeof(T) == typeof(float) ? "float32" : "float64";
        var entries = new List<(string, NpyArray)> { ("W", NpyArray.FromMatrix(editor.Weight.View)) };
        if (a.SaveCovariance) entries.Add(("C", NpyArray.FromMatrix(editor.Covariance().View)));
        string? json = a.Report is null ? null : new JsonObject
        {
            ["stream"] = a.Stream, ["mode"] = a.Mode.ToString().ToLowerInvariant(), ["dtype"] = dtypeName,
            ["alpha"] = a.Alpha, ["beta"] = a.Beta, ["d_k"] = editor.KeyDim, ["d_v"] = editor.ValueDim,
            ["total_update_ms"] = totalMs, ["batch_relative_difference"] = batchDifference, ["steps"] = steps,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        bool existed = File.Exists(a.Out);
        Npz.Write(a.Out, entries);
        try
        {
            if (json is not null) WriteAtomically(a.Report!, json);
        }
        catch
        {
            if (!existed) File.Delete(a.Out);
            throw;
        }

        times.Sort();
        var table = new Table().AddColumn("quantity").AddColumn("value");
        table.AddRow("stream", Markup.Escape($"{data.Sizes.Length} steps, N = {data.Keys.Rows} rows, d_k = {editor.KeyDim}, d_v = {editor.ValueDim}"));
        table.AddRow("mode / dtype", $"{a.Mode.ToString().ToLowerInvariant()} / {dtypeName}");
        table.AddRow("α, β", $"{a.Alpha}, {a.Beta}");
        if (times.Count > 0)
            table.AddRow("update time total / median step", $"{totalMs:F1} ms / {times[times.Count / 2]:F3} ms");
        if (last is not null)
            table.AddRow("last step residual before → after", $"{last.ResidualBefore:E3} → {last.ResidualAfter:E3}");
        if (batchDifference is { } d) table.AddRow("‖W − H⁻¹B‖_F / ‖H⁻¹B‖_F", $"{d:E2}");
        table.AddRow("wrote", Markup.Escape(a.Out + (a.Report is null ? "" : ", " + a.Report)));
        AnsiConsole.Write(table);
        return 0;
    }

    private static void WriteAtomically(string path, string text)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
