using System.Diagnostics;
using System.Globalization;
using RlsEdit.Models;
using RlsEdit.Tensors;
using RlsEdit.World;

namespace RlsEdit.Editing;

/// <summary>
/// A sequential edit run over a stream of CounterFact cases: batches through <see cref="ModelEditor"/>, stream points
/// (efficacy so far, retention of the first edits, held-out accuracy) every <see cref="EditRunOptions.EvaluateEvery"/>
/// edits, atomic checkpoints, and at the end per-case results, <c>summary.json</c> and the edited model. A checkpoint
/// stores every key/value batch each layer received; resuming replays them into fresh editors (the editors are
/// deterministic), which restores editor states and weights exactly, so a resumed run ends where an uninterrupted one does.
/// </summary>
public static class EditRun
{
    private const string CheckpointFolder = "checkpoint";

    /// <summary>Runs (or resumes) the stream; returns null when <see cref="EditRunOptions.StopAfter"/> stopped it early.</summary>
    /// <exception cref="EditInputException">Bad options, cases or hyper-parameters (before any editing), or a checkpoint of another run.</exception>
    public static RunSummary? Run(EditRunOptions options, IProgress<RunProgress>? progress = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        log ??= _ => { };
        var hp = options.HyperParameters;
        var config = ModelFolder.LoadConfig(options.ModelDirectory);
        hp.ValidateFor(config.LayerCount);
        string outDir = options.OutputDirectory;
        string checkpointDir = Path.Combine(outDir, CheckpointFolder);
        bool hasCheckpoint = File.Exists(Path.Combine(checkpointDir, "state.json"));
        if (!options.Resume && Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(e => !Path.GetFileName(e).Equals("cache", StringComparison.Ordinal)))
            throw new EditInputException("--out", "an empty or new run folder (or --resume)", $"'{outDir}', which is not empty");
        Directory.CreateDirectory(outDir);
        string cacheDir = options.CacheDirectory ?? Path.Combine(outDir, "cache");

        var model = ModelFolder.Load<float>(options.ModelDirectory);
        var encoder = new PromptEncoder(ModelTokenizer.Load(options.ModelDirectory));
        var cases = options.Cases;
        foreach (var c in cases)
        {
            encoder.EncodeWithSubject(c.RequestedRewrite.Prompt, c.RequestedRewrite.Subject);
            encoder.EncodeTarget(c.RequestedRewrite.TargetNew.Str);
            encoder.EncodeTarget(c.RequestedRewrite.TargetTrue.Str);
        }
        AtomicText.Write(Path.Combine(outDir, "hparams.json"), hp.ToJson());

        progress?.Report(new RunProgress(0, cases.Count, "statistics"));
        var texts = options.StatisticsTexts.Take(hp.Mom2NSamples).ToList();
        var moments = LayerStatistics.SecondMoments(model, encoder, hp.Layers, texts, cacheDir);
        var templates = ContextTemplates.LoadOrGenerate(model, encoder, Path.Combine(cacheDir, "context_templates.json"));

        progress?.Report(new RunProgress(0, cases.Count, "pre-edit evaluation"));
        var pre = CounterFactEvaluator.Evaluate(model, encoder, cases);
        var generalPre = options.HeldOut is null ? null : GeneralAbility.Measure(model, encoder, options.HeldOut);

        var editor = new ModelEditor(model, encoder, templates, hp, options.Editor, moments);
        var history = new List<BatchEdit>();
        var points = new List<StreamPoint>();
        double elapsed = 0;
        if (options.Resume && hasCheckpoint)
        {
            var state = EditJson.Read<CheckpointState>(Path.Combine(checkpointDir, "state.json"));
            if (state.Editor != options.Editor.Name() || state.BatchSize != options.BatchSize)
                throw new EditInputException("--resume", $"a checkpoint of editor {options.Editor.Name()} with batch size {options.BatchSize}",
                    $"editor {state.Editor}, batch size {state.BatchSize}");
            history.AddRange(ReadBatches(Path.Combine(checkpointDir, "edits.npz"), state.Batches));
            foreach (var batch in history) editor.Replay(batch.Layers, batch.CaseIds.Count);
            points.AddRange(state.Points);
            elapsed = state.ElapsedSeconds;
            log($"resumed at {editor.EditCount} edits ({state.Batches} batches replayed)");
        }

        int retention = options.RetentionCases > 0 ? Math.Min(options.RetentionCases, cases.Count) : Math.Max(1, cases.Count / 10);
        int lastCheckpoint = editor.EditCount;
        var clock = new Stopwatch();
        while (editor.EditCount < cases.Count)
        {
            if (options.StopAfter is { } stop && editor.EditCount >= stop) return null;
            int done = editor.EditCount;
            var batchCases = cases.Skip(done).Take(options.BatchSize).ToList();
            progress?.Report(new RunProgress(done, cases.Count, "editing"));
            clock.Restart();
            history.Add(editor.Apply(batchCases));
            elapsed += clock.Elapsed.TotalSeconds;
            int now = editor.EditCount;
            if (options.EvaluateEvery > 0 && now / options.EvaluateEvery > done / options.EvaluateEvery)
                points.Add(MeasurePoint(model, encoder, cases, now, retention, options.HeldOut));
            if (options.CheckpointEvery > 0 && now - lastCheckpoint >= options.CheckpointEvery && now < cases.Count)
            {
                WriteCheckpoint(checkpointDir, history, new CheckpointState(now, history.Count, options.Editor.Name(), options.BatchSize, points, elapsed));
                lastCheckpoint = now;
            }
        }
        progress?.Report(new RunProgress(cases.Count, cases.Count, "final evaluation"));
        if (points.Count == 0 || points[^1].Edits != cases.Count) points.Add(MeasurePoint(model, encoder, cases, cases.Count, retention, options.HeldOut));
        var post = CounterFactEvaluator.Evaluate(model, encoder, cases, options.FluencyCases);
        var generalPost = options.HeldOut is null ? null : GeneralAbility.Measure(model, encoder, options.HeldOut);

        string resultsDir = Path.Combine(outDir, "results");
        Directory.CreateDirectory(resultsDir);
        for (int i = 0; i < cases.Count; i++)
        {
            var batch = history.First(b => b.CaseIds.Contains(cases[i].CaseId));
            EditJson.Write(Path.Combine(resultsDir, string.Create(CultureInfo.InvariantCulture, $"case_{cases[i].CaseId}.json")), new Dictionary<string, object?>
            {
                ["case_id"] = cases[i].CaseId,
                ["grouped_case_ids"] = batch.CaseIds,
                ["num_edits"] = cases.Count,
                ["requested_rewrite"] = cases[i].RequestedRewrite,
                ["pre"] = pre[i],
                ["post"] = post[i],
            });
        }
        var summary = new RunSummary
        {
            Editor = options.Editor.Name(),
            Edits = cases.Count,
            BatchSize = options.BatchSize,
            Pre = EvaluationSummary.From(pre),
            Post = EvaluationSummary.From(post),
            GeneralPre = generalPre,
            GeneralPost = generalPost,
            Stream = points,
            EditSeconds = elapsed,
        };
        EditJson.Write(Path.Combine(outDir, "summary.json"), summary);
        if (options.SaveModel) ModelFolder.Save(model, options.ModelDirectory, Path.Combine(outDir, "model"));
        if (Directory.Exists(checkpointDir)) Directory.Delete(checkpointDir, recursive: true);
        return summary;
    }

    private static StreamPoint MeasurePoint(TransformerModel<float> model, PromptEncoder encoder, IReadOnlyList<CounterFactRecord> cases, int done, int retention, HeldOutSet? heldOut)
    {
        var sofar = EvaluationSummary.From(CounterFactEvaluator.Evaluate(model, encoder, cases.Take(done).ToList()));
        var probe = EvaluationSummary.From(CounterFactEvaluator.Evaluate(model, encoder, cases.Take(Math.Min(retention, done)).ToList()));
        double? heldOutAccuracy = heldOut is null ? null : GeneralAbility.Measure(model, encoder, heldOut with { Text = [] }).FactAccuracy;
        return new StreamPoint(done, sofar.RewriteSuccess, sofar.ParaphraseSuccess, sofar.NeighborhoodSuccess, Math.Min(retention, done),
            probe.RewriteCorrect, probe.RewriteSuccess, probe.ParaphraseCorrect, probe.NeighborhoodCorrect, heldOutAccuracy);
    }

    private static void WriteCheckpoint(string directory, IReadOnlyList<BatchEdit> history, CheckpointState state)
    {
        Directory.CreateDirectory(directory);
        var arrays = new List<(string, NpyArray)>();
        for (int b = 0; b < history.Count; b++)
        {
            arrays.Add(($"b{b}_cases", NpyArray.FromInt32([.. history[b].CaseIds], history[b].CaseIds.Count)));
            foreach (var layer in history[b].Layers)
            {
                arrays.Add(($"b{b}_l{layer.Layer}_keys", NpyArray.FromMatrix<double>(layer.Keys.View)));
                arrays.Add(($"b{b}_l{layer.Layer}_values", NpyArray.FromMatrix<double>(layer.Values.View)));
            }
        }
        // The batches first, the state last: a state file never points past the batches on disk.
        Npz.Write(Path.Combine(directory, "edits.npz"), arrays);
        EditJson.Write(Path.Combine(directory, "state.json"), state);
    }

    private static List<BatchEdit> ReadBatches(string path, int batches)
    {
        var arrays = Npz.Read(path);
        var result = new List<BatchEdit>(batches);
        for (int b = 0; b < batches; b++)
        {
            if (!arrays.TryGetValue($"b{b}_cases", out var ids))
                throw new EditInputException(path, $"{batches} recorded batches", $"batch {b} missing");
            var layers = arrays.Keys.Where(k => k.StartsWith($"b{b}_l", StringComparison.Ordinal) && k.EndsWith("_keys", StringComparison.Ordinal))
                .Select(k => int.Parse(k[$"b{b}_l".Length..^"_keys".Length], CultureInfo.InvariantCulture)).Order()
                .Select(l => new LayerEdit(l, arrays[$"b{b}_l{l}_keys"].ToMatrix<double>(), arrays[$"b{b}_l{l}_values"].ToMatrix<double>())).ToList();
            result.Add(new BatchEdit(ids.ToInt64Array().Select(x => (int)x).ToArray(), layers, []));
        }
        return result;
    }
}
