using System.Text.Json;
using RlsEdit.Models;
using RlsEdit.World;
using Xunit;

namespace RlsEdit.Editing.Tests;

/// <summary>MEMIT-shaped ZsRE input: conversion, layout detection, malformed records, MEMIT's accuracies, and an edit run on the shipped model.</summary>
public sealed class ZsreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlsedit-zsre-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    // A record as zsre_mem_eval.json spells it (the MEMIT README's example, shortened).
    private const string Record = """
        {"subject": "Watts Humphrey", "src": "What university did Watts Humphrey attend?", "pred": "Trinity College",
         "rephrase": "What university did Watts Humphrey take part in?", "alt": "University of Michigan",
         "answers": ["Illinois Institute of Technology"], "loc": "nq question: who played desmond doss father in hacksaw ridge",
         "loc_ans": "Hugo Weaving", "cond": "Trinity College >> University of Michigan || What university did Watts Humphrey attend?"}
        """;

    [Fact]
    public void RecordsBecomeEditCasesAsMemitsLoaderBuildsThem()
    {
        string path = Write("zsre.json", $"[{Record}, {Record.Replace("{\"subject\"", "{\"case_id\": 42, \"subject\"", StringComparison.Ordinal)}]");
        var cases = ZsreCases.Load(path);
        Assert.Equal([0, 42], cases.Select(c => c.CaseId));
        var c = cases[0];
        Assert.Equal("What university did {} attend?", c.RequestedRewrite.Prompt);
        Assert.Equal("Watts Humphrey", c.RequestedRewrite.Subject);
        Assert.Equal("Illinois Institute of Technology", c.RequestedRewrite.TargetNew.Str);
        Assert.Equal("Hugo Weaving", c.RequestedRewrite.TargetTrue.Str);
        Assert.Equal(["What university did Watts Humphrey take part in?"], c.ParaphrasePrompts);
        Assert.Equal(["nq question: who played desmond doss father in hacksaw ridge?"], c.NeighborhoodPrompts);
        Assert.Empty(c.AttributePrompts);
        Assert.Empty(c.GenerationPrompts);
        Assert.Equal("University of Michigan", ZsreCases.Load(path, ZsreTarget.Alt)[0].RequestedRewrite.TargetNew.Str);
        // Only the Natural Questions prompts are closed with a question mark; a cloze neighbour is kept as it is.
        string cloze = Write("cloze.json", $"[{Record.Replace("nq question: who played desmond doss father in hacksaw ridge", "Desmond Doss's father was played by", StringComparison.Ordinal)}]");
        Assert.Equal(["Desmond Doss's father was played by"], ZsreCases.Load(cloze)[0].NeighborhoodPrompts);
    }

    [Fact]
    public void TheLayoutIsToldByTheFirstRecord()
    {
        string zsre = Write("z.json", $"[{Record}]");
        var world = FactWorld.Generate(1, TinyWorldModel.SmallWorld);
        string counterFact = Path.Combine(_dir, "cf.json");
        EditSetGenerator.WriteJson(counterFact, EditSetGenerator.Generate(world, 3, seed: 2));
        Assert.Equal(EditFileFormat.Zsre, EditFiles.Detect(zsre));
        Assert.Equal(EditFileFormat.CounterFact, EditFiles.Detect(counterFact));
        var (format, cases) = EditFiles.Load(counterFact);
        Assert.Equal((EditFileFormat.CounterFact, 3), (format, cases.Count));
        Assert.Equal(EditFileFormat.Zsre, EditFiles.Load(zsre).Format);
        // An explicit layout overrides detection: a ZsRE file read as CounterFact has no requested_rewrite.
        var e = Assert.Throws<EditInputException>(() => EditFiles.Load(zsre, EditFileFormat.CounterFact));
        Assert.Contains("requested_rewrite", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "\"src\": \"What university did Watts Humphrey attend?\"", "\"src\": \"What university did he attend?\"", "record 0.src" },
        { "\"answers\": [\"Illinois Institute of Technology\"]", "\"answers\": []", "record 0.answers" },
        { "\"loc_ans\": \"Hugo Weaving\"", "\"loc_ans\": \"\"", "record 0.loc_ans" },
        { "\"rephrase\": \"What university did Watts Humphrey take part in?\", ", "", "record 0.rephrase" },
        { "\"subject\": \"Watts Humphrey\"", "\"subject\": 7", "$[0].subject" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedRecordsAreRefusedNamingRecordAndField(string field, string replacement, string where)
    {
        Assert.Contains(field, Record, StringComparison.Ordinal);
        string path = Write("bad.json", $"[{Record.Replace(field, replacement, StringComparison.Ordinal)}]");
        var e = Assert.Throws<EditInputException>(() => ZsreCases.Load(path));
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains("expected", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesOfNeitherLayoutAreRefusedSayingWhatWasFound()
    {
        var e = Assert.Throws<EditInputException>(() => EditFiles.Detect(Write("o.json", """[{"question": "q", "answer": "a"}]""")));
        Assert.Contains("question, answer", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<EditInputException>(() => EditFiles.Detect(Write("e.json", "[]")));
        Assert.Contains("no records", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<EditInputException>(() => EditFiles.Detect(Write("s.json", """{"src": "x"}""")));
        Assert.Contains("object", e.Message, StringComparison.Ordinal);
        Assert.Throws<EditInputException>(() => EditFiles.Detect(Path.Combine(_dir, "missing.json")));
        Assert.Throws<EditInputException>(() => EditFiles.Load(Write("t.json", "[{\"src\": ")));
    }

    /// <summary>
    /// A ZsRE file written from the shipped world's facts (whatever its names are): the question is a training phrasing,
    /// the rephrase a held-out one, <c>alt</c> a counterfactual object, the neighbour another subject's fact.
    /// </summary>
    private static string WorldZsreFile(string directory, int count)
    {
        string model = ShippedModelTests.ModelDirectory();
        var world = FactWorld.Generate(WorldFile.ReadSeed(Path.Combine(model, WorldFile.FileName)));
        var records = EditSetGenerator.Generate(world, count, seed: 5).Select(c => new Dictionary<string, object>
        {
            ["subject"] = c.RequestedRewrite.Subject,
            ["src"] = Relation.Fill(c.RequestedRewrite.Prompt, c.RequestedRewrite.Subject),
            ["pred"] = c.RequestedRewrite.TargetTrue.Str,
            ["rephrase"] = c.ParaphrasePrompts[0],
            ["alt"] = c.RequestedRewrite.TargetNew.Str,
            ["answers"] = new[] { c.RequestedRewrite.TargetTrue.Str },
            ["loc"] = c.NeighborhoodPrompts[0],
            ["loc_ans"] = c.RequestedRewrite.TargetTrue.Str,
        }).ToList();
        string path = Path.Combine(directory, "world-zsre.json");
        File.WriteAllText(path, JsonSerializer.Serialize(records));
        return path;
    }

    [Fact]
    public void ZsreAccuraciesAreMemitsTeacherForcedTokenAccuracies()
    {
        string model = ShippedModelTests.ModelDirectory();
        var cases = ZsreCases.Load(WorldZsreFile(_dir, 6), ZsreTarget.Alt);
        var m = ModelFolder.Load<float>(model);
        var encoder = new PromptEncoder(ModelTokenizer.Load(model));
        var metrics = ZsreMetrics.From(EvaluationSummary.From(CounterFactEvaluator.Evaluate(m, encoder, cases)));

        // Oracle: MEMIT's test_batch_prediction_acc, one unpadded forward pass per target token.
        double Accuracy(string prompt, string answer)
        {
            int[] p = encoder.Encode(prompt), a = encoder.Encode(" " + answer);
            int correct = 0;
            for (int j = 0; j < a.Length; j++)
            {
                int[] ids = [.. p, .. a[..j]];
                var logits = m.Forward(TokenBatch.Single(ids)).Logits.View.RowSpan(ids.Length - 1);
                int argmax = 0;
                for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[argmax]) argmax = v;
                if (argmax == a[j]) correct++;
            }
            return (double)correct / a.Length;
        }
        double rewrite = 100 * cases.Average(c => Accuracy(c.RequestedRewrite.Prompt.Replace("{}", c.RequestedRewrite.Subject, StringComparison.Ordinal), c.RequestedRewrite.TargetNew.Str));
        double paraphrase = 100 * cases.Average(c => Accuracy(c.ParaphrasePrompts[0], c.RequestedRewrite.TargetNew.Str));
        double neighbourhood = 100 * cases.Average(c => Accuracy(c.NeighborhoodPrompts[0], c.RequestedRewrite.TargetTrue.Str));
        Assert.Equal(rewrite, metrics.RewriteAccuracy, 9);
        Assert.Equal(paraphrase, metrics.ParaphraseAccuracy, 9);
        Assert.Equal(neighbourhood, metrics.NeighborhoodAccuracy, 9);
        // The model knows its world: the counterfactual answers are not yet predicted, the neighbours' answers mostly are.
        Assert.True(metrics.RewriteAccuracy <= 20, $"rewrite_acc before editing {metrics.RewriteAccuracy}");
        Assert.True(metrics.NeighborhoodAccuracy >= 50, $"neighborhood_acc before editing {metrics.NeighborhoodAccuracy}");
    }

    // The values tuned for the shipped model (its rlsedit-hparams.json), with fewer statistics texts to keep the test short.
    private static EditHyperParameters TunedHyperParameters(string model) =>
        EditHyperParameters.Load(Path.Combine(model, "rlsedit-hparams.json"), out _) with { Mom2NSamples = 400 };

    [Fact]
    public void ZsreCasesCanBeEditedIntoTheShippedModel()
    {
        string model = ShippedModelTests.ModelDirectory();
        var cases = ZsreCases.Load(WorldZsreFile(_dir, 4), ZsreTarget.Alt);
        string run = Path.Combine(_dir, "run");
        var summary = EditRun.Run(new EditRunOptions
        {
            ModelDirectory = model, Cases = cases, HyperParameters = TunedHyperParameters(model), Editor = EditorKind.RlsEdit,
            BatchSize = 2, OutputDirectory = run, StatisticsTexts = StatisticsCorpus.Load(model, null, 400),
            CheckpointEvery = 0, FluencyCases = 0, SaveModel = false,
        })!;
        ZsreMetrics pre = ZsreMetrics.From(summary.Pre), post = ZsreMetrics.From(summary.Post);
        // What is checked is that ZsRE records flow through editing and their accuracies move, not how editable the model is
        // (docs/results.md): the shipped model of 2026-11-25 takes about one of these four alt targets fully at these settings.
        Assert.True(post.RewriteAccuracy >= pre.RewriteAccuracy + 20, $"rewrite_acc {pre.RewriteAccuracy} → {post.RewriteAccuracy}");
        Assert.True(post.NeighborhoodAccuracy >= pre.NeighborhoodAccuracy - 30, $"neighborhood_acc {pre.NeighborhoodAccuracy} → {post.NeighborhoodAccuracy}");
        ZsreMetrics.Write(run, summary);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, ZsreMetrics.FileName)));
        Assert.Equal(post.RewriteAccuracy, json.RootElement.GetProperty("post").GetProperty("rewrite_acc").GetDouble(), 9);
    }
}
