using System.CommandLine;
using System.Globalization;
using RlsEdit.Models;
using RlsEdit.Tensors;
using RlsEdit.World;
using RlsEdit.World.Training;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit world</c>: the synthetic fact world — write its corpus and tokenizer, draw CounterFact-style edit
/// sets, train the tiny GPT-2 on it, and measure a model's fact accuracy.
/// </summary>
internal static class WorldCommand
{
    public static Command Create()
    {
        var cmd = new Command("world", "The synthetic fact world: corpus, edit sets, and the tiny GPT-2 trained on it.");
        cmd.Subcommands.Add(Corpus());
        cmd.Subcommands.Add(Edits());
        cmd.Subcommands.Add(Train());
        cmd.Subcommands.Add(Eval());
        return cmd;
    }

    private static Option<int> Seed(string description) => new("--seed") { Description = description, DefaultValueFactory = _ => 1 };

    private static Command Corpus()
    {
        var seed = Seed("World and corpus seed.");
        var documents = new Option<int>("--documents") { Description = "Number of documents.", DefaultValueFactory = _ => 10_000 };
        var output = new Option<string>("--out") { Description = "Folder for corpus.txt, world.json and tokenizer.json.", Required = true };
        var cmd = new Command("corpus", "Write the training corpus, the world's facts and its tokenizer.") { seed, documents, output };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            string dir = r.GetValue(output)!;
            var world = FactWorld.Generate(r.GetValue(seed));
            new WorldCorpus(world, r.GetValue(seed)).Write(Path.Combine(dir, "corpus.txt"), r.GetValue(documents));
            WorldFile.Write(Path.Combine(dir, WorldFile.FileName), world);
            WorldTokenizer.Build(world).Save(Path.Combine(dir, "tokenizer.json"));
            AnsiConsole.MarkupLine($"wrote {r.GetValue(documents)} documents, {world.Facts.Count} facts and the tokenizer to [bold]{Markup.Escape(dir)}[/]");
            return 0;
        }));
        return cmd;
    }

    private static Command Edits()
    {
        var count = new Option<int>("--count") { Description = "Number of edit cases.", Required = true };
        var seed = Seed("Seed of the edit draw (different seeds give different sets).");
        var worldSeed = new Option<int>("--world-seed") { Description = "Seed of the world (the model's seed).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Output JSON file (CounterFact layout).", Required = true };
        var heldOut = new Option<string?>("--held-out") { Description = "Optional JSON file for unedited facts and held-out text." };
        var cmd = new Command("edits", "Write CounterFact-format edit cases drawn from the world.") { count, seed, worldSeed, output, heldOut };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            if (r.GetValue(count) < 1) throw new ArgumentException($"world edits: --count must be ≥ 1 (got {r.GetValue(count)}).");
            var world = FactWorld.Generate(r.GetValue(worldSeed));
            var records = EditSetGenerator.Generate(world, r.GetValue(count), r.GetValue(seed));
            EditSetGenerator.WriteJson(r.GetValue(output)!, records);
            if (r.GetValue(heldOut) is { } h) EditSetGenerator.WriteJson(h, EditSetGenerator.HeldOut(world, records, r.GetValue(seed)));
            AnsiConsole.MarkupLine($"wrote {records.Count} edit cases to [bold]{Markup.Escape(r.GetValue(output)!)}[/]");
            return 0;
        }));
        return cmd;
    }

    private static Command Train()
    {
        var defaults = new TrainingOptions();
        var output = new Option<string>("--out") { Description = "Model folder to write (a checkpoint inside it is resumed).", Required = true };
        var seed = Seed("Seed of the world, corpus and initial weights.");
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch") { Description = "Documents per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var threads = new Option<int>("--threads") { Description = "Threads for GEMM and the optimizer (0: all cores).", DefaultValueFactory = _ => 0 };
        var initFrom = new Option<string?>("--init-from") { Description = "Continue from this model folder (same seed and architecture) instead of fresh weights." };
        var mlp = new Option<int?>("--mlp") { Description = "MLP hidden width d_k (default 4 × width = 512); wider keys are easier to edit apart, at more training time." };
        var cmd = new Command("train", "Train the tiny GPT-2 on the world (resumes from a checkpoint in --out).") { output, seed, steps, batch, lr, threads, initFrom, mlp };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            if (r.GetValue(threads) > 0) LinearAlgebra.MaxDegreeOfParallelism = r.GetValue(threads);
            var options = new TrainingOptions { Seed = r.GetValue(seed), Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), InitialModel = r.GetValue(initFrom), MlpWidth = r.GetValue(mlp) };
            var trainer = new WorldTrainer(options);
            string dir = r.GetValue(output)!;
            AnsiConsole.MarkupLine($"[bold]world train[/]: {trainer.World.Facts.Count} facts, vocabulary {trainer.Tokenizer.VocabSize}, " +
                $"{options.Layers} layers × {options.Width} (MLP {trainer.Config.IntermediateSize}), {trainer.Model.Parameters.Sum(p => p.Value.Data.Length):N0} parameters, {options.Steps} steps × {options.BatchSize} documents");
            var heldOut = FactEvaluator.HeldOutPrompts(trainer.World);
            var probe = FactEvaluator.Subset(heldOut, FactAccuracyReport.DefaultStride);
            TrainingResult result = null!;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: options.Steps);
                    result = trainer.Train(dir, new SyncProgress(p =>
                    {
                        task.Value = p.Step;
                        task.Description = $"loss {p.Loss:F3}  lr {p.LearningRate:0.0e0}  {p.TokensPerSecond:N0} tok/s";
                        if (p.Checkpointed)
                            AnsiConsole.MarkupLine($"step {p.Step}: loss {p.Loss:F3}, {p.TokensPerSecond:N0} tok/s, held-out accuracy on {probe.Count} probes {FactEvaluator.Accuracy(trainer.Model, trainer.Tokenizer, probe):P1} (checkpoint saved)");
                    }));
                });
            double accuracy = FactEvaluator.Accuracy(trainer.Model, trainer.Tokenizer, heldOut);
            AnsiConsole.MarkupLine($"steps {result.ResumedFromStep}→{result.Steps}, loss {result.FirstLoss:F3} → {result.FinalLoss:F3}, {result.Seconds:F0} s, {result.TokensPerSecond:N0} tokens/s");
            AnsiConsole.MarkupLine($"top-1 accuracy on {heldOut.Count} held-out-phrasing fact prompts: [bold]{accuracy:P2}[/]; model in [bold]{Markup.Escape(dir)}[/]");
            return 0;
        }));
        return cmd;
    }

    private static Command Eval()
    {
        var model = new Option<string>("--model") { Description = "Model folder written by world train.", Required = true };
        var write = new Option<bool>("--write") { Description = "Also record the result as eval.json in the model folder." };
        var byPhrasing = new Option<bool>("--by-phrasing") { Description = "Also print the accuracy of every relation under every phrasing." };
        var phrasings = new Option<string?>("--phrasings") { Description = "JSON file {relation id: [phrasing with {}, ...]}: also measure these phrasings (not part of the world)." };
        var cmd = new Command("eval", "Top-1 fact accuracy of a world model under held-out and training phrasings.") { model, write, byPhrasing, phrasings };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            string dir = r.GetValue(model)!;
            var world = FactWorld.Generate(WorldFile.ReadSeed(Path.Combine(dir, WorldFile.FileName)));
            var extra = r.GetValue(phrasings) is { } file ? ReadPhrasings(file) : null;
            var loaded = ModelFolder.Load<float>(dir);
            var tokenizer = WorldTokenizer.Build(world);
            var extraRows = extra is null ? null : FactEvaluator.ForPhrasings(loaded, tokenizer, world, extra);
            var score = FactEvaluator.Score(loaded, tokenizer, world);
            var report = score.Report();
            AnsiConsole.MarkupLine($"held-out phrasings, all {report.HeldOutPrompts} prompts: [bold]{report.HeldOutAccuracy:P2}[/]");
            AnsiConsole.MarkupLine($"held-out phrasings, every {report.SubsetStride}th ({report.HeldOutSubsetPrompts} prompts): [bold]{report.HeldOutSubsetAccuracy:P2}[/]");
            AnsiConsole.MarkupLine($"training phrasings: [bold]{report.TrainingPhrasingAccuracy:P2}[/]");
            if (r.GetValue(byPhrasing)) WritePhrasingTable(score.ByPhrasing());
            if (extraRows is { } rows)
            {
                WritePhrasingTable(rows);
                double overall = rows.Sum(x => x.Accuracy * x.Prompts) / Math.Max(1, rows.Sum(x => x.Prompts));
                AnsiConsole.MarkupLine($"extra phrasings, {rows.Sum(x => x.Prompts)} prompts: [bold]{overall:P2}[/]");
            }
            if (r.GetValue(write)) report.Save(Path.Combine(dir, FactAccuracyReport.FileName));
            return 0;
        }));
        return cmd;
    }

    private static void WritePhrasingTable(IEnumerable<PhrasingAccuracy> rows)
    {
        var table = new Table().AddColumns("relation", "phrasing", "kind", "facts", "top-1");
        foreach (var row in rows)
            table.AddRow(row.RelationId, Markup.Escape(row.Template), row.HeldOut ? "held-out" : "training",
                row.Prompts.ToString(CultureInfo.InvariantCulture), row.Accuracy.ToString("P1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadPhrasings(string file)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"--phrasings: no file '{file}'.", file);
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, List<string>>>(File.ReadAllText(file))?
                .ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value)
                ?? throw new InvalidDataException($"--phrasings: '{file}' holds no object.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"--phrasings: '{file}' is not a JSON object of relation id → list of phrasings ({e.Message}).", e);
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and race the display).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
