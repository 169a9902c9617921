using System.CommandLine;
using System.Diagnostics;
using RlsEdit.Tensors;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit demo</c>: a synthetic lifelong key/value editing stream run through the Woodbury recursion,
/// checked against the batch least-squares solution of the same objective.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var dk = new Option<int>("--dk") { Description = "Key dimension d_k.", DefaultValueFactory = _ => 512 };
        var dv = new Option<int>("--dv") { Description = "Value dimension d_v.", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--steps") { Description = "Number of edit batches in the stream.", DefaultValueFactory = _ => 200 };
        var batch = new Option<int>("--batch") { Description = "Edits (key rows) per batch u_t.", DefaultValueFactory = _ => 4 };
        var alpha = new Option<double>("--alpha") { Description = "Weight α of ‖W − W₀‖².", DefaultValueFactory = _ => 1.0 };
        var beta = new Option<double>("--beta") { Description = "Weight β of the anchor term ‖K₀W − V₀‖².", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var cmd = new Command("demo", "Run a synthetic lifelong editing stream through the RLS recursion and compare it with the batch solution.")
        {
            dk, dv, steps, batch, alpha, beta, seed,
        };
        cmd.SetAction(r => CliErrors.Run(() => Run(r.GetValue(dk), r.GetValue(dv), r.GetValue(steps), r.GetValue(batch),
            r.GetValue(alpha), r.GetValue(beta), r.GetValue(seed))));
        return cmd;
    }

    private static int Run(int dk, int dv, int steps, int batch, double alpha, double beta, int seed)
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

        // H₀ = αI + βK₀ᵀK₀ (lower triangle), C₀ = H₀⁻¹. With V₀ = K₀W₀ the start point W₀* is W₀ itself.
        var h = new Matrix<double>(dk, dk);
        Blas.Syrk(beta, k0.View.Transposed, 0.0, h.View);
        for (int i = 0; i < dk; i++) h[i, i] += alpha;
        var hRunning = h.Clone();
        var c = h.Clone();
        Cholesky.FactorInPlace(c.View);
        Cholesky.InvertInPlace(c.View);
        double initSeconds = clock.Elapsed.TotalSeconds;

        var w = w0.Clone();
        var b = new Matrix<double>(dk, dv);
        Blas.Symm(Side.Left, 1.0, h.View, w0.View, 0.0, b.View);
        var gain = new Matrix<double>(dk, batch);
        var innovation = new Matrix<double>(batch, dv);
        var stepTimes = new List<double>(steps);
        clock.Restart();
        for (int t = 0; t < steps; t++)
        {
            var k = Gaussian(batch, dk);
            var v = Gaussian(batch, dv);
            var stepClock = Stopwatch.StartNew();
            v.View.CopyTo(innovation.View);
            Blas.Gemm(-1.0, k.View, w.View, 1.0, innovation.View);     // E = V − K·W
            Woodbury.UpdateInPlace(c.View, k.View, gain.View);         // C ← C − F S⁻¹ Fᵀ, gain = C·Kᵀ
            Blas.Gemm(1.0, gain.View, innovation.View, 1.0, w.View);   // W ← W + C·Kᵀ·E
            stepTimes.Add(stepClock.Elapsed.TotalMilliseconds);
            Blas.Syrk(1.0, k.View.Transposed, 1.0, hRunning.View);     // batch reference: H += KᵀK, B += KᵀV
            Blas.Gemm(1.0, k.View.Transposed, v.View, 1.0, b.View);
        }
        double streamSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        Cholesky.FactorInPlace(hRunning.View);
        Cholesky.SolveInPlace(hRunning.View, b.View);                  // W* = H⁻¹B
        double batchSeconds = clock.Elapsed.TotalSeconds;

        double num = 0, den = 0;
        for (int i = 0; i < w.Data.Length; i++) { double e = w.Data[i] - b.Data[i]; num += e * e; den += b.Data[i] * b.Data[i]; }
        double relError = Math.Sqrt(num / den);
        stepTimes.Sort();

        var table = new Table().AddColumn("quantity").AddColumn("value");
        table.AddRow("‖W_rls − W_batch‖_F / ‖W_batch‖_F", $"{relError:E2}");
        table.AddRow("init C₀ = H₀⁻¹", $"{initSeconds * 1e3:F1} ms");
        table.AddRow("stream total", $"{streamSeconds * 1e3:F1} ms");
        table.AddRow("per-step median / p95", $"{stepTimes[stepTimes.Count / 2]:F3} / {stepTimes[(int)(stepTimes.Count * 0.95)]:F3} ms");
        table.AddRow("batch re-solve once", $"{batchSeconds * 1e3:F1} ms");
        AnsiConsole.Write(table);
        bool ok = relError < 1e-8;
        AnsiConsole.MarkupLine(ok ? "[green]recursive solution equals the batch solution[/]" : "[red]recursive and batch solutions disagree[/]");
        return ok ? 0 : 1;
    }
}
