using System.CommandLine;
using System.Globalization;
using RlsEdit.Editing;
using RlsEdit.Tensors;
using RlsEdit.World;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit edit</c>: sequential editing of a model folder with a CounterFact stream, one batch at a time, with a
/// progress bar, atomic checkpoints, <c>--resume</c>, per-case results, <c>summary.json</c>, plots and a report.
/// </summary>
internal static class EditCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (config.json, safetensors, tokenizer).", Required = true };
        var edits = new Option<string>("--edits") { Description = "CounterFact JSON array of edit cases, applied in order.", Required = true };
        var hparams = new Option<string?>("--hparams") { Description = "Hyper-parameters in the reference code's JSON format (default: the model folder's rlsedit-hparams.json)." };
        var editor = new Option<string>("--editor") { Description = "rlsedit, memit, alphaedit or ft.", DefaultValueFactory = _ => "rlsedit" };
        var batch = new Option<int>("--batch-size") { Description = "Edits per batch.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Run folder.", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint." };
        var count = new Option<int?>("--count") { Description = "Use only the first N cases of --edits." };
        var checkpoint = new Option<int>("--checkpoint-every") { Description = "Checkpoint after every this many edits (0: never).", DefaultValueFactory = _ => 100 };
        var evalEvery = new Option<int>("--eval-every") { Description = "Measure efficacy and retention every this many edits (0: a tenth of the stream).", DefaultValueFactory = _ => 0 };
        var retention = new Option<int>("--retention") { Description = "How many first edits form the retention probe (0: a tenth of the stream).", DefaultValueFactory = _ => 0 };
        var heldOut = new Option<string?>("--held-out") { Description = "Held-out facts and text (rlsedit world edits --held-out) for general ability." };
        var statsText = new Option<string?>("--stats-text") { Description = "Text file (one text per line) for the key statistics; world models generate their corpus." };
        var fluency = new Option<int>("--fluency") { Description = "Cases whose generation prompts are used for fluency.", DefaultValueFactory = _ => 50 };
        var threads = new Option<int>("--threads") { Description = "Threads for GEMM (0: all cores).", DefaultValueFactory = _ => 0 };
        var format = new Option<string>("--format") { Description = "Layout of --edits: auto, counterfact or zsre (a MEMIT-shaped ZsRE JSON array).", DefaultValueFactory = _ => "auto" };
        var zsreTarget = new Option<string>("--zsre-target") { Description = "ZsRE field edited to: answers (answers[0], as MEMIT) or alt (as EasyEdit).", DefaultValueFactory = _ => "answers" };
        var outOnnx = new Option<string?>("--out-onnx") { Description = "Also write the edited model as ONNX to this file." };
        var cmd = new Command("edit", "Edit a model with a stream of CounterFact cases, batch by batch.")
        {
            model, edits, hparams, editor, batch, output, resume, count, checkpoint, evalEvery, retention, heldOut, statsText, fluency, threads,
            format, zsreTarget, outOnnx,
        };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            if (r.GetValue(threads) > 0) LinearAlgebra.MaxDegreeOfParallelism = r.GetValue(threads);
            var kind = EditorKinds.Parse(r.GetValue(editor)!);
            var hp = EditHyperParameters.Load(EditHyperParameters.ResolvePath(r.GetValue(hparams), r.GetValue(model)!), out var warnings);
            foreach (string w in warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
            var (layout, cases) = EditFiles.Load(r.GetValue(edits)!, ParseFormat(r.GetValue(format)!), ParseZsreTarget(r.GetValue(zsreTarget)!));
            cases = FirstCases(cases, r.GetValue(count));
            string modelDir = r.GetValue(model)!;
            if (r.GetValue(outOnnx) is { } onnxPath) OnnxOutput.Validate(onnxPath);
            var options = new EditRunOptions
            {
                ModelDirectory = modelDir,
                Cases = cases,
                HyperParameters = hp,
                Editor = kind,
                BatchSize = r.GetValue(batch),
                OutputDirectory = r.GetValue(output)!,
                Resume = r.GetValue(resume),
                CheckpointEvery = r.GetValue(checkpoint),
                EvaluateEvery = r.GetValue(evalEvery) > 0 ? r.GetValue(evalEvery) : Math.Max(r.GetValue(batch), cases.Count / 10),
                RetentionCases = r.GetValue(retention),
                HeldOut = r.GetValue(heldOut) is { } h ? LoadHeldOut(h) : null,
                StatisticsTexts = StatisticsCorpus.Load(modelDir, r.GetValue(statsText), hp.Mom2NSamples),
                FluencyCases = r.GetValue(fluency),
            };
            var summary = RunWithProgress(options);
            RunOutputs.Write(options.OutputDirectory, [summary], "rlsedit " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
            PrintSummary([summary]);
            if (layout == EditFileFormat.Zsre) PrintZsre(options.OutputDirectory, summary);
            if (r.GetValue(outOnnx) is { } onnx)
            {
                OnnxOutput.Write(options.OutputDirectory, onnx);
                AnsiConsole.MarkupLine($"edited model as ONNX in [bold]{Markup.Escape(onnx)}[/]");
            }
            AnsiConsole.MarkupLine($"results in [bold]{Markup.Escape(options.OutputDirectory)}[/]");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The first <paramref name="count"/> cases (all when null), or an error naming <c>--count</c>'s range.</summary>
    internal static IReadOnlyList<CounterFactRecord> FirstCases(IReadOnlyList<CounterFactRecord> cases, int? count)
    {
        if (count is not { } n) return cases;
        if (n < 1 || n > cases.Count) throw new EditInputException("--count", $"1..{cases.Count}", n.ToString(CultureInfo.InvariantCulture));
        return cases.Take(n).ToList();
    }

    internal static EditFileFormat ParseFormat(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => EditFileFormat.Auto,
        "counterfact" => EditFileFormat.CounterFact,
        "zsre" => EditFileFormat.Zsre,
        _ => throw new EditInputException("--format", "auto, counterfact or zsre", $"'{name}'"),
    };

    internal static ZsreTarget ParseZsreTarget(string name) => name.Trim().ToLowerInvariant() switch
    {
        "answers" or "answer" => ZsreTarget.Answer,
        "alt" => ZsreTarget.Alt,
        _ => throw new EditInputException("--zsre-target", "answers or alt", $"'{name}'"),
    };

    // Writes zsre_summary.json and prints MEMIT's ZsRE accuracies of the run.
    private static void PrintZsre(string runDirectory, RunSummary summary)
    {
        ZsreMetrics.Write(runDirectory, summary);
        ZsreMetrics pre = ZsreMetrics.From(summary.Pre), post = ZsreMetrics.From(summary.Post);
        var table = new Table().AddColumn("ZsRE metric").AddColumn("pre").AddColumn("post");
        table.AddRow("rewrite_acc (efficacy)", F(pre.RewriteAccuracy), F(post.RewriteAccuracy));
        table.AddRow("paraphrase_acc (generalisation)", F(pre.ParaphraseAccuracy), F(post.ParaphraseAccuracy));
        table.AddRow("neighborhood_acc (specificity)", F(pre.NeighborhoodAccuracy), F(post.NeighborhoodAccuracy));
        AnsiConsole.Write(table);
    }

    internal static HeldOutSet LoadHeldOut(string path)
    {
        if (!File.Exists(path)) throw new EditInputException("--held-out", "an existing JSON file", $"'{path}' (not found)");
        return System.Text.Json.JsonSerializer.Deserialize<HeldOutSet>(File.ReadAllText(path))
            ?? throw new EditInputException("--held-out", "a { facts, text } object", "null");
    }

    internal static RunSummary RunWithProgress(EditRunOptions options)
    {
        RunSummary? summary = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{options.Editor.Name()}", maxValue: options.Cases.Count);
                summary = EditRun.Run(options, new SyncProgress(p =>
                {
                    task.Description = $"{options.Editor.Name()}: {p.Stage}";
                    task.Value = p.Edits;
                }), message => AnsiConsole.MarkupLine(Markup.Escape(message)));
                task.Value = options.Cases.Count;
            });
        return summary ?? throw new InvalidOperationException("the run stopped early");
    }

    internal static void PrintSummary(IReadOnlyList<RunSummary> runs)
    {
        var table = new Table().AddColumn("metric");
        foreach (var r in runs) table.AddColumn($"{r.Editor} pre").AddColumn($"{r.Editor} post");
        void Row(string name, Func<RunSummary, double?> pre, Func<RunSummary, double?> post)
        {
            var cells = new List<string> { name };
            foreach (var r in runs) cells.AddRange([F(pre(r)), F(post(r))]);
            table.AddRow(cells.ToArray());
        }
        Row("efficacy", r => r.Pre.RewriteSuccess, r => r.Post.RewriteSuccess);
        Row("paraphrase", r => r.Pre.ParaphraseSuccess, r => r.Post.ParaphraseSuccess);
        Row("neighbourhood", r => r.Pre.NeighborhoodSuccess, r => r.Post.NeighborhoodSuccess);
        Row("score", r => r.Pre.Score, r => r.Post.Score);
        Row("fluency", r => r.Pre.NgramEntropy, r => r.Post.NgramEntropy);
        Row("held-out facts", r => r.GeneralPre?.FactAccuracy, r => r.GeneralPost?.FactAccuracy);
        Row("retention (exact)", _ => null, r => r.Stream.Count > 0 ? r.Stream[^1].RetentionRewriteCorrect : null);
        Row("edit seconds", _ => null, r => r.EditSeconds);
        AnsiConsole.Write(table);
    }

    private static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F1", CultureInfo.InvariantCulture) : "–";

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
