using System.CommandLine;
using System.Globalization;
using RlsEdit.Models;
using RlsEdit.Onnx;
using RlsEdit.Onnx.Statistics;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit stats</c>: stream a corpus through a model (ONNX Runtime for .onnx files, the managed runtime for
/// folders) and write each layer's E[k kᵀ] as .npz, with a progress bar, checkpoints and resume.
/// </summary>
internal static class StatsCommand
{
    /// <summary>Exit code after an interruption (a checkpoint was written; rerun to resume).</summary>
    private const int Interrupted = 130;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = ".onnx file or Hugging Face model folder.", Required = true };
        var layers = new Option<string>("--layers") { Description = "Comma-separated layers, e.g. 3,4,5.", Required = true };
        var corpus = new Option<string>("--corpus") { Description = "Plain text (a document per line), JSON lines ('text' field), or .ids (token ids per line).", Required = true };
        var maxTokens = new Option<long>("--max-tokens") { Description = "Token budget.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: layer{L}.npz (and checkpoint.npz while running).", Required = true };
        var device = OnnxCommand.DeviceOption();
        var seqLen = new Option<int>("--seq-len") { Description = "Tokens per window.", DefaultValueFactory = _ => 128 };
        var batch = new Option<int>("--batch-size") { Description = "Windows per forward pass.", DefaultValueFactory = _ => 8 };
        var perDocument = new Option<bool>("--per-document") { Description = "Windows stay inside one document (shorter tails are padded within a batch)." };
        var every = new Option<int>("--checkpoint-every") { Description = "Batches between checkpoints.", DefaultValueFactory = _ => 16 };
        var cmd = new Command("stats", "Accumulate the MLP key second moment E[kkᵀ] of chosen layers over a corpus (resumable).")
        {
            model, layers, corpus, maxTokens, output, device, seqLen, batch, every, perDocument,
        };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            string path = r.GetValue(model)!;
            var layerList = ParseLayers(r.GetValue(layers)!);
            var options = new StatisticsOptions
            {
                MaxTokens = r.GetValue(maxTokens) > 0 ? r.GetValue(maxTokens) : throw new ArgumentException("stats: --max-tokens must be positive."),
                SequenceLength = r.GetValue(seqLen) > 0 ? r.GetValue(seqLen) : throw new ArgumentException("stats: --seq-len must be positive."),
                BatchSize = r.GetValue(batch) > 0 ? r.GetValue(batch) : throw new ArgumentException("stats: --batch-size must be positive."),
                CheckpointEveryBatches = r.GetValue(every) > 0 ? r.GetValue(every) : throw new ArgumentException("stats: --checkpoint-every must be positive."),
                PerDocument = r.GetValue(perDocument),
            };
            string corpusPath = r.GetValue(corpus)!;
            bool ids = corpusPath.EndsWith(".ids", StringComparison.OrdinalIgnoreCase);
            bool onnx = OnnxCommand.IsOnnxPath(path);
            string tokenizerDir = onnx ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
            IKeySource source = onnx
                ? OnnxKeySource.Open(path, layerList, r.GetValue(device), line => AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(line)}[/]"), ContextBeside(path))
                : ManagedKeySource.Open(path, layerList);
            try
            {
                var text = new TokenCorpus(corpusPath, ids ? null : Tokenizer(tokenizerDir));
                return Run(source, text, options, r.GetValue(output)!, onnx ? $"ONNX Runtime ({((OnnxKeySource)source).Device})" : "managed runtime");
            }
            finally
            {
                (source as IDisposable)?.Dispose();
            }
        }));
        return cmd;
    }

    private static int Run(IKeySource source, TokenCorpus corpus, StatisticsOptions options, string outDir, string backend)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            IReadOnlyList<LayerStatistics> stats = [];
            var started = DateTime.UtcNow;
            long first = -1, last = 0;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape($"E[kkᵀ] via {backend}"), maxValue: options.MaxTokens);
                    stats = StatisticsRun.Run(source, corpus, options, outDir, done =>
                    {
                        if (first < 0) first = done;
                        last = done;
                        task.Value = done;
                    }, cts.Token);
                    task.Value = options.MaxTokens;
                });
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            foreach (var s in stats)
                AnsiConsole.MarkupLine($"layer {s.Layer}: {s.Count} keys of width {s.SecondMoment.Rows} → {Markup.Escape(Path.Combine(outDir, LayerStatistics.FileName(s.Layer)))}");
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey]{last - Math.Max(first, 0)} tokens in {seconds:F1} s ({(last - Math.Max(first, 0)) / Math.Max(seconds, 1e-9):F0} tokens/s)[/]"));
            return 0;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine($"[yellow]interrupted: checkpoint written to {Markup.Escape(Path.Combine(outDir, StatisticsRun.CheckpointFile))}; rerun the same command to resume.[/]");
            return Interrupted;
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The context length from a config.json next to the .onnx file, when there is one (the graph does not record it).</summary>
    private static int ContextBeside(string onnxPath)
    {
        string config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(onnxPath))!, "config.json");
        return File.Exists(config) ? ModelConfig.Load(config).MaxSequenceLength : int.MaxValue;
    }

    private static Func<string, IReadOnlyList<int>> Tokenizer(string dir)
    {
        bool hasFiles = File.Exists(Path.Combine(dir, "tokenizer.json")) || File.Exists(Path.Combine(dir, "vocab.json"));
        // Without tokenizer files the GPT-2 encoding is used (it is embedded); pass an .ids corpus for other vocabularies.
        var tokenizer = hasFiles ? ModelTokenizer.Load(dir) : ModelTokenizer.Gpt2();
        return text => tokenizer.EncodeToIds(text);
    }

    private static int[] ParseLayers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("stats: --layers expects comma-separated layer indices such as 3,4,5.");
        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v
            : throw new ArgumentException($"stats: --layers: '{p}' is not a layer index.")).Distinct().ToArray();
    }
}
