using System.Diagnostics;
using RlsEdit.Tensors;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit demo --synthetic</c>: a synthetic lifelong key/value editing stream run through the Woodbury recursion,
/// checked against the batch least-squares solution of the same objective.
/// </summary>
internal static class SyntheticDemo
{
    public static int Run(int dk, int dv, int steps, int batch, double alpha, double beta, int seed)
    {
        if (dk < 1 || dv < 1 || steps < 1 || batch < 1)
            throw new ArgumentException($"demo: --dk, --dv, --steps and --batch must be ≥ 1 (got {dk}, {dv}, {steps}, {batch}).");
        if (alpha < 0 || beta < 0 || alpha + beta == 0)
            throw new ArgumentException($"demo: need α ≥ 0, β ≥ 0 and α + β > 0 so that H₀ is invertible (got α = {alpha}, β = {beta}).");

        var rng = new Random(seed);
        Matrix<double> Gaussian(int r, int c)
        {
            var m = new Matrix<double>(r, c);
            for (int i = 0; i < m.Data.Length; i++)
                m.Data[i] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return m;
        }

        AnsiConsole.MarkupLine($"[bold]RLSEdit demo[/]: d_k = {dk}, d_v = {dv}, {steps} steps × {batch} edits, α = {alpha}, β = {beta}");
        var w0 = Gaussian(dk, dv);
        var k0 = Gaussian(2 * dk, dk);
        var clock = Stopwatch.StartNew();
        // V₀ = K₀W₀: the anchor asks to keep the pre-trained outputs, so the start point W₀* is W₀ itself.
        // TrackInformation keeps H_t and B_t beside the recursion, for the batch re-solve below.
        var editor = new RlsEditor<double>(w0.View, new RlsHyperParameters(alpha, beta), Anchor<double>.FromKeys(k0.View),
            new RlsEditorOptions { TrackInformation = true });
        double initSeconds = clock.Elapsed.TotalSeconds;

        var stepTimes = new List<double>(steps);
        clock.Restart();
        for (int t = 0; t < steps; t++)
        {
            var k = Gaussian(batch, dk);
            var v = Gaussian(batch, dv);
            stepTimes.Add(editor.Step(k.View, v.View).Elapsed.TotalMilliseconds);
        }
        double streamSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var b = editor.Normal!.Solve();                                // W* = H⁻¹B
        double batchSeconds = clock.Elapsed.TotalSeconds;
        var w = editor.Weight;

        double num = 0, den = 0;
        for (int i = 0; i < w.Data.Length; i++) { double e = w.Data[i] - b.Data[i]; num += e * e; den += b.Data[i] * b.Data[i]; }
        double relError = Math.Sqrt(num / den);
        stepTimes.Sort();

        var table = new Table().AddColumn("quantity").AddColumn("value");
        table.AddRow("‖W_rls − W_batch‖_F / ‖W_batch‖_F", $"{relError:E2}");
        table.AddRow("init C₀ = H₀⁻¹", $"{initSeconds * 1e3:F1} ms");
        table.AddRow("stream total (with H, B bookkeeping)", $"{streamSeconds * 1e3:F1} ms");
        table.AddRow("per-step update median / p95", $"{stepTimes[stepTimes.Count / 2]:F3} / {stepTimes[(int)(stepTimes.Count * 0.95)]:F3} ms");
        table.AddRow("batch re-solve once", $"{batchSeconds * 1e3:F1} ms");
        AnsiConsole.Write(table);
        bool ok = relError < 1e-8;
        AnsiConsole.MarkupLine(ok ? "[green]recursive solution equals the batch solution[/]" : "[red]recursive and batch solutions disagree[/]");
        return ok ? 0 : 1;
    }
}
