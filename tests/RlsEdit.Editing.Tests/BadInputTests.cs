using RlsEdit.World;
using Xunit;

namespace RlsEdit.Editing.Tests;

[Collection(TinyWorldCollection.Name)]
public sealed class BadInputTests(TinyWorldModel tiny)
{
    private static CounterFactRecord Case(string prompt = "{} works for", string subject = "Ada Lovel", string targetNew = "Acmeco", string targetTrue = "Betaco",
        string[]? paraphrases = null) =>
        new(7, new CounterFactRewrite(prompt, "works_for", subject, new CounterFactTarget(targetNew), new CounterFactTarget(targetTrue)),
            paraphrases ?? [$"{subject} is employed by"], [], [], []);

    public static TheoryData<string, string> BadCases => new()
    {
        { "missing-placeholder", "prompt" },
        { "subject-not-in-paraphrase", "paraphrase_prompts" },
        { "empty-target", "target_new" },
        { "empty-subject", "subject" },
    };

    private static CounterFactRecord Bad(string kind) => kind switch
    {
        "missing-placeholder" => Case(prompt: "Someone works for"),
        "subject-not-in-paraphrase" => Case(paraphrases: ["Somebody else is employed by"]),
        "empty-target" => Case(targetNew: " "),
        _ => Case(subject: ""),
    };

    [Theory]
    [MemberData(nameof(BadCases))]
    public void BadCasesFailBeforeAnyWork(string kind, string field)
    {
        string dir = tiny.NewRunDirectory();
        var options = new EditRunOptions
        {
            ModelDirectory = tiny.ModelDirectory, Cases = [Bad(kind)], HyperParameters = TinyWorldModel.HyperParameters,
            OutputDirectory = dir, StatisticsTexts = tiny.CorpusTexts,
        };
        var e = Assert.Throws<EditInputException>(() => EditRun.Run(options));
        Assert.Contains("case 7", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void UnknownEditorIsRefused()
    {
        var e = Assert.Throws<EditInputException>(() => EditorKinds.Parse("rome"));
        Assert.Contains("rlsedit, memit, alphaedit, ft", e.Message, StringComparison.Ordinal);
        Assert.Equal(EditorKind.FineTune, EditorKinds.Parse("FT"));
    }

    [Fact]
    public void LayerOutOfRangeFailsBeforeAnyWork()
    {
        string dir = tiny.NewRunDirectory();
        var options = new EditRunOptions
        {
            ModelDirectory = tiny.ModelDirectory, Cases = tiny.Cases.Take(1).ToList(), OutputDirectory = dir, StatisticsTexts = tiny.CorpusTexts,
            HyperParameters = TinyWorldModel.HyperParameters with { Layers = [0, 7] },
        };
        var e = Assert.Throws<EditInputException>(() => EditRun.Run(options));
        Assert.Contains("[0, 3)", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }
}
