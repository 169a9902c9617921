using System.CommandLine;
using RlsEdit.Numerics;
using RlsEdit.Tensors;
using RlsEdit.Theory;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit theory</c>: <c>--synthetic</c> runs a synthetic stream with bound tracking and prints B1–B3 with their slack
/// at every step, then the distance to the many-edits limits R1 and R2; <c>--drift</c> measures how far the recursive C_t
/// drifts from H_t⁻¹ over a long rank-1 stream (docs/theory.md).
/// </summary>
internal static class TheoryCommand
{
    public static Command Create()
    {
        var synthetic = new Option<bool>("--synthetic") { Description = "Check the deviation bounds B1–B3 and the limits R1, R2 on a synthetic stream." };
        var drift = new Option<bool>("--drift") { Description = "Measure ‖C_t − H_t⁻¹‖ over a long stream of rank-1 updates." };
        var dk = new Option<int?>("--dk") { Description = "Key dimension d_k (default 8 for --synthetic, 32 for --drift)." };
        var dv = new Option<int>("--dv") { Description = "Value dimension d_v.", DefaultValueFactory = _ => 3 };
        var steps = new Option<int?>("--steps") { Description = "Steps of the stream (default 40 for --synthetic, 100000 for --drift)." };
        var batch = new Option<int>("--batch") { Description = "Rows per step u_t for --synthetic.", DefaultValueFactory = _ => 2 };
        var alpha = new Option<double?>("--alpha") { Description = "α (default 0.5 for --synthetic, 0.01 for --drift)." };
        var beta = new Option<double>("--beta") { Description = "β for --synthetic.", DefaultValueFactory = _ => 2.0 };
        var anchorRows = new Option<int>("--anchor-rows") { Description = "Rows n₀ of the random anchor K₀ (with random V₀).", DefaultValueFactory = _ => 4 };
        var noise = new Option<double>("--noise") { Description = "Noise σ of the values v = kᵀW_true + ε.", DefaultValueFactory = _ => 0.3 };
        var every = new Option<int>("--every") { Description = "Print the bounds every this many steps.", DefaultValueFactory = _ => 5 };
        var limitSteps = new Option<int>("--limit-steps") { Description = "Length of the one-row-per-step stream for R1/R2.", DefaultValueFactory = _ => 20000 };
        var dtype = new Option<string>("--dtype") { Description = "Precision of C for --drift.", DefaultValueFactory = _ => "float64" };
        dtype.AcceptOnlyFromAmong("float64", "float32");
        var keyCondition = new Option<double>("--key-condition") { Description = "Condition number of the key covariance for --drift.", DefaultValueFactory = _ => 100 };
        var checkpoints = new Option<int>("--checkpoints") { Description = "Measurements along the --drift stream.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("theory", "Evaluate the deviation bounds and many-edits limits (derived from the objective) and the numerical drift of C_t.")
        {
            synthetic, drift, dk, dv, steps, batch, alpha, beta, anchorRows, noise, every, limitSteps, dtype, keyCondition, checkpoints, seed,
        };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            if (r.GetValue(synthetic) == r.GetValue(drift))
                throw new ArgumentException("theory: give exactly one of --synthetic or --drift.");
            if (r.GetValue(synthetic))
                return Synthetic(r.GetValue(dk) ?? 8, r.GetValue(dv), r.GetValue(steps) ?? 40, r.GetValue(batch), r.GetValue(alpha) ?? 0.5,
                    r.GetValue(beta), r.GetValue(anchorRows), r.GetValue(noise), r.GetValue(every), r.GetValue(limitSteps), r.GetValue(seed));
            return Drift(r.GetValue(dk) ?? 32, r.GetValue(steps) ?? 100_000, r.GetValue(alpha) ?? 0.01, r.GetValue(dtype) == "float32",
                r.GetValue(keyCondition), r.GetValue(checkpoints), r.GetValue(seed));
        }));
        return cmd;
    }

    private static int Synthetic(int dk, int dv, int steps, int batch, double alpha, double beta, int anchorRows, double noise, int every, int limitSteps, int seed)
    {
        if (dk < 1 || dv < 1 || steps < 1 || batch < 1 || anchorRows < 0 || every < 1 || limitSteps < 100)
            throw new ArgumentException($"theory: need d_k, d_v, steps, batch, every ≥ 1, anchor rows ≥ 0 and limit steps ≥ 100 (got {dk}, {dv}, {steps}, {batch}, {every}, {anchorRows}, {limitSteps}).");
        AnsiConsole.MarkupLine($"[bold]Deviation bounds[/] (derived from the objective, docs/theory.md): d_k = {dk}, d_v = {dv}, {steps} steps × {batch} rows, α = {alpha}, β = {beta}, n₀ = {anchorRows}");
        var stream = new SyntheticStream(dk, dv, noise, seed);
        var w0 = stream.Gaussian(dk, dv);
        Anchor<double>? anchor = anchorRows > 0 ? Anchor<double>.FromKeys(stream.Gaussian(anchorRows, dk).View, stream.Gaussian(anchorRows, dv).View) : null;
        var hyper = new RlsHyperParameters(alpha, beta);
        var editor = new RlsEditor<double>(w0.View, hyper, anchor, new RlsEditorOptions { TrackBounds = true });

        var table = new Table().AddColumn("step");
        string[] names = ["B1", "B1-anchor", "B2", "B3"];
        foreach (string n in names) table.AddColumn($"{n}: value ≤ bound (slack)");
        bool allHold = true;
        double worst = 0;
        for (int t = 1; t <= steps; t++)
        {
            var (k, v) = stream.Next(batch);
            var report = editor.Step(k.View, v.View);
            foreach (var b in report.Bounds)
            {
                allHold &= b.Holds();
                worst = Math.Max(worst, b.Ratio);
            }
            if (t % every != 0 && t != 1 && t != steps) continue;
            var cells = new List<string> { t.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            foreach (string n in names)
            {
                var b = report.Bounds.FirstOrDefault(x => x.Name == n);
                cells.Add(b is null ? "n/a" : $"{b.Value:G4} ≤ {b.Bound:G4} ({b.Slack:G3})");
            }
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(allHold ? $"[green]every bound held[/] (largest value/bound = {worst:F3})" : "[red]a bound was violated[/]");

        // R1: fixed α, β. R2: α_t = α·n_t, β_t = β·n_t. One row per step; W_true is the R1 limit.
        var limits = new SyntheticStream(dk, dv, noise, seed + 1);
        var lw0 = limits.Gaussian(dk, dv);
        var r1Limit = ManyEditsLimits.PopulationLeastSquares(limits.KeyCovariance(), limits.CrossCovariance());
        var r2Limit = ManyEditsLimits.RidgePopulationMinimiser(limits.KeyCovariance(), limits.CrossCovariance(), hyper, lw0, anchor);
        var r1 = new RlsEditor<double>(lw0.View, hyper, anchor);
        var sums = new NormalEquations<double>(new Matrix<double>(dk, dv).View, new RlsHyperParameters(0, 0), null);
        var limitTable = new Table().AddColumn("n_t").AddColumn("R1: ‖W_t − Σ_K⁻¹Σ_KV‖_F (fixed α, β)").AddColumn("R2: ‖W_t − W_∞‖_F (α_t = α·n_t, β_t = β·n_t)");
        for (int n = 1; n <= limitSteps; n++)
        {
            var (k, v) = limits.Next(1);
            r1.Step(k.View, v.View);
            sums.Add(k.View, v.View);
            if (n != limitSteps && !IsDecade(n)) continue;
            var sk = sums.Information.Clone();
            var skv = sums.RightHandSide.Clone();
            for (int i = 0; i < sk.Data.Length; i++) sk.Data[i] /= n;
            for (int i = 0; i < skv.Data.Length; i++) skv.Data[i] /= n;
            var r2 = ManyEditsLimits.RidgePopulationMinimiser(sk, skv, hyper, lw0, anchor);
            limitTable.AddRow(n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{Norms.FrobeniusDistance(r1.Weight.View, r1Limit.View):E3}", $"{Norms.FrobeniusDistance(r2.View, r2Limit.View):E3}");
        }
        AnsiConsole.Write(limitTable);
        return allHold ? 0 : 1;
    }

    private static bool IsDecade(int n)
    {
        while (n % 10 == 0) n /= 10;
        return n == 1;
    }

    private static int Drift(int dk, int steps, double alpha, bool single, double keyCondition, int checkpoints, int seed)
    {
        if (dk < 1 || steps < 1 || checkpoints < 1)
            throw new ArgumentException($"theory: need d_k, steps and checkpoints ≥ 1 (got {dk}, {steps}, {checkpoints}).");
        string precision = single ? "float32" : "float64";
        AnsiConsole.MarkupLine($"[bold]Drift of C_t vs H_t⁻¹[/]: {steps} rank-1 steps, d_k = {dk}, {precision}, α = {alpha}, cond(Σ_K) = {keyCondition}, seed {seed}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = single
            ? InverseDriftExperiment.Run<float>(dk, steps, checkpoints, alpha, keyCondition, seed)
            : InverseDriftExperiment.Run<double>(dk, steps, checkpoints, alpha, keyCondition, seed);
        var table = new Table().AddColumn("t").AddColumn("engine ‖C−H⁻¹‖/‖H⁻¹‖").AddColumn("engine min diag C")
            .AddColumn("full-storage ‖C−H⁻¹‖/‖H⁻¹‖").AddColumn("full-storage asymmetry");
        foreach (var r in rows)
            table.AddRow(r.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{r.RelativeError:E2}", $"{r.MinDiagonal:E2}",
                $"{r.FullStorageRelativeError:E2}", $"{r.FullStorageSymmetryDrift:E2}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
