using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RlsEdit.Editing;
using RlsEdit.Models;
using RlsEdit.Tensors;
using RlsEdit.World;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit demo</c>: lifelong editing of the bundled tiny-world model (the 2 048-wide-MLP one, which has the room
/// for a few hundred edits; docs/results.md) — a stream of counterfactual edits drawn from
/// the model's own world, applied in sequential batches by RLSEdit and by MEMIT side by side (one thread each), with
/// before/after metrics in one table. <c>--synthetic</c> runs the synthetic key/value stream of <see cref="SyntheticDemo"/>.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Where the bundled model lives, relative to the repository root.</summary>
    public static readonly string BundledModel = Path.Combine("models", "tiny-world-wide");

    public static Command Create()
    {
        var synthetic = new Option<bool>("--synthetic") { Description = "Run the synthetic key/value stream (checked against the batch solution) instead of editing the model." };
        var model = new Option<string?>("--model") { Description = "Model folder to edit (default: models/tiny-world-wide above the current folder or the executable)." };
        var count = new Option<int>("--count") { Description = "Counterfactual edits in the stream.", DefaultValueFactory = _ => 200 };
        var batchSize = new Option<int>("--batch-size") { Description = "Edits per batch.", DefaultValueFactory = _ => 10 };
        var editSeed = new Option<int>("--edit-seed") { Description = "Seed of the edit stream drawn from the model's world.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Folder for the run folders (default: a new folder under the system's temp folder)." };
        var dk = new Option<int>("--dk") { Description = "--synthetic: key dimension d_k.", DefaultValueFactory = _ => 256 };
        var dv = new Option<int>("--dv") { Description = "--synthetic: value dimension d_v.", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--steps") { Description = "--synthetic: number of edit batches in the stream.", DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch") { Description = "--synthetic: edits (key rows) per batch u_t.", DefaultValueFactory = _ => 4 };
        var alpha = new Option<double>("--alpha") { Description = "--synthetic: weight α of ‖W − W₀‖².", DefaultValueFactory = _ => 1.0 };
        var beta = new Option<double>("--beta") { Description = "--synthetic: weight β of the anchor term ‖K₀W − V₀‖².", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "--synthetic: random seed.", DefaultValueFactory = _ => 42 };
        var cmd = new Command("demo", "Edit the bundled tiny-world model with a stream of counterfactual edits, RLSEdit next to MEMIT (--synthetic: the RLS recursion on random keys).")
        {
            synthetic, model, count, batchSize, editSeed, output, dk, dv, steps, batch, alpha, beta, seed,
        };
        cmd.SetAction(r => CliErrors.Run(() => r.GetValue(synthetic)
            ? SyntheticDemo.Run(r.GetValue(dk), r.GetValue(dv), r.GetValue(steps), r.GetValue(batch), r.GetValue(alpha), r.GetValue(beta), r.GetValue(seed))
            : RunModelDemo(LocateModel(r.GetValue(model)), r.GetValue(count), r.GetValue(batchSize), r.GetValue(editSeed), r.GetValue(output))));
        return cmd;
    }

    /// <summary>
    /// The model folder: <paramref name="explicitDirectory"/> when given, else <see cref="BundledModel"/> in the current
    /// folder or one above it, else above the executable (a build output inside the repository).
    /// </summary>
    /// <exception cref="EditInputException">The folder does not hold a model, or no bundled model was found.</exception>
    internal static string LocateModel(string? explicitDirectory)
    {
        static bool HoldsModel(string dir) => File.Exists(Path.Combine(dir, "config.json")) && File.Exists(Path.Combine(dir, "model.safetensors"));
        if (explicitDirectory is not null)
            return HoldsModel(explicitDirectory) ? explicitDirectory
                : throw new EditInputException("--model", "a model folder with config.json and model.safetensors", $"'{explicitDirectory}'");
        string[] starts = [Directory.GetCurrentDirectory(), AppContext.BaseDirectory];
        foreach (string start in starts)
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, BundledModel);
                if (HoldsModel(candidate)) return candidate;
            }
        throw new EditInputException("--model", $"{BundledModel} in the current folder, a folder above it or above the executable (or --model DIR)",
            $"none found above '{starts[0]}' or '{starts[1]}'");
    }

    private static int RunModelDemo(string modelDir, int count, int batchSize, int editSeed, string? output)
    {
        if (count < 2 || batchSize < 1)
            throw new EditInputException("demo", "--count ≥ 2 and --batch-size ≥ 1", $"--count {count}, --batch-size {batchSize}");
        string worldPath = Path.Combine(modelDir, WorldFile.FileName);
        if (!File.Exists(worldPath))
            throw new EditInputException("--model", $"a fact-world model folder (with {WorldFile.FileName}, whose facts the edits rewrite)", $"'{modelDir}'");
        var hp = EditHyperParameters.Load(EditHyperParameters.ResolvePath(null, modelDir), out var warnings);
        foreach (string w in warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        var world = FactWorld.Generate(WorldFile.ReadSeed(worldPath));
        var cases = EditSetGenerator.Generate(world, count, editSeed);
        var heldOut = EditSetGenerator.HeldOut(world, cases, editSeed);
        string root = output ?? Path.Combine(Path.GetTempPath(), "rlsedit-demo");
        string runDir = Path.Combine(root, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture));
        // Statistics and context templates depend only on the model: computed once, shared by both editors and later demos.
        string cacheDir = Path.Combine(root, "cache-" + ModelStamp(modelDir));

        AnsiConsole.MarkupLine($"[bold]RLSEdit demo[/]: {cases.Count} counterfactual edits (batches of {batchSize}) to [bold]{Markup.Escape(modelDir)}[/], " +
            $"RLSEdit next to MEMIT; retention probe = the first {Math.Max(1, cases.Count / 10)} edits; {heldOut.Facts.Count} held-out facts");
        var clock = Stopwatch.StartNew();
        PrepareCache(modelDir, hp, cacheDir);

        EditorKind[] editors = [EditorKind.RlsEdit, EditorKind.Memit];
        // One thread per editor: the two runs share the cores instead of fighting over them inside every GEMM.
        int saved = LinearAlgebra.MaxDegreeOfParallelism;
        LinearAlgebra.MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / editors.Length);
        var summaries = new RunSummary[editors.Length];
        try
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var tasks = editors.Select(e => ctx.AddTask(e.Name(), maxValue: cases.Count)).ToArray();
                    Parallel.For(0, editors.Length, new ParallelOptions { MaxDegreeOfParallelism = editors.Length }, i =>
                    {
                        var options = new EditRunOptions
                        {
                            ModelDirectory = modelDir, Cases = cases, HyperParameters = hp, Editor = editors[i], BatchSize = batchSize,
                            OutputDirectory = Path.Combine(runDir, editors[i].Name()), CacheDirectory = cacheDir, CheckpointEvery = 0,
                            EvaluateEvery = Math.Max(batchSize, cases.Count / 5), HeldOut = heldOut,
                            StatisticsTexts = StatisticsCorpus.Load(modelDir, null, hp.Mom2NSamples), FluencyCases = 0, SaveModel = false,
                        };
                        summaries[i] = EditRun.Run(options, new SyncProgress(p =>
                        {
                            tasks[i].Description = $"{editors[i].Name()}: {p.Stage}";
                            tasks[i].Value = p.Edits;
                        })) ?? throw new InvalidOperationException("the demo run stopped early");
                        tasks[i].Value = cases.Count;
                        RunOutputs.Write(options.OutputDirectory, [summaries[i]], "rlsedit demo");
                    });
                });
        }
        finally
        {
            LinearAlgebra.MaxDegreeOfParallelism = saved;
        }
        PrintComparison(summaries);
        AnsiConsole.MarkupLine($"{clock.Elapsed.TotalSeconds:F0} s in all; run folders (report.md, plots, per-case results) in [bold]{Markup.Escape(runDir)}[/]");
        return 0;
    }

    private static void PrepareCache(string modelDir, EditHyperParameters hp, string cacheDir)
    {
        var model = ModelFolder.Load<float>(modelDir);
        var encoder = new PromptEncoder(ModelTokenizer.Load(modelDir));
        AnsiConsole.Status().Start("key statistics and context templates (cached after the first demo)", _ =>
        {
            LayerStatistics.SecondMoments(model, encoder, hp.Layers, StatisticsCorpus.Load(modelDir, null, hp.Mom2NSamples).Take(hp.Mom2NSamples).ToList(), cacheDir);
            ContextTemplates.LoadOrGenerate(model, encoder, Path.Combine(cacheDir, "context_templates.json"));
        });
    }

    // Size and write time of the weights: a rebuilt model gets a fresh statistics cache.
    private static string ModelStamp(string modelDir)
    {
        var weights = new FileInfo(Path.Combine(modelDir, "model.safetensors"));
        return string.Create(CultureInfo.InvariantCulture, $"{weights.Length:x}-{weights.LastWriteTimeUtc.Ticks:x}");
    }

    private static void PrintComparison(IReadOnlyList<RunSummary> runs)
    {
        var table = new Table().Title($"after {runs[0].Edits} sequential edits (success rates ×100; pre = the unedited model)")
            .AddColumn("metric").AddColumn(new TableColumn("pre").RightAligned());
        foreach (var r in runs) table.AddColumn(new TableColumn(r.Editor).RightAligned());
        void Row(string name, double? pre, Func<RunSummary, double?> post, string format = "F1")
        {
            var cells = new List<string> { name, F(pre, format) };
            cells.AddRange(runs.Select(r => F(post(r), format)));
            table.AddRow(cells.ToArray());
        }
        var first = runs[0];
        Row("efficacy", first.Pre.RewriteSuccess, r => r.Post.RewriteSuccess);
        Row("paraphrase", first.Pre.ParaphraseSuccess, r => r.Post.ParaphraseSuccess);
        Row("neighbourhood", first.Pre.NeighborhoodSuccess, r => r.Post.NeighborhoodSuccess);
        Row("score", first.Pre.Score, r => r.Post.Score);
        Row($"retention of the first {first.Stream[^1].RetentionCases} (efficacy)", null, r => r.Stream[^1].RetentionRewriteSuccess);
        Row($"retention of the first {first.Stream[^1].RetentionCases} (exact match)", null, r => r.Stream[^1].RetentionRewriteCorrect);
        Row("held-out facts accuracy", first.GeneralPre?.FactAccuracy, r => r.GeneralPost?.FactAccuracy);
        // Edits move perplexity in the third or fourth decimal; one decimal would show every run as unchanged.
        Row("held-out text perplexity", first.GeneralPre?.Perplexity, r => r.GeneralPost?.Perplexity, "F4");
        Row("editing seconds", null, r => r.EditSeconds);
        AnsiConsole.Write(table);
    }

    private static string F(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "–";

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
