using RlsEdit.World;
using RlsEdit.World.Training;
using Xunit;

namespace RlsEdit.World.Tests;

public class ExtraPhrasingTests
{
    private static readonly WorldTrainer Untrained = new(new TrainingOptions
    {
        Seed = 2, Steps = 1, BatchSize = 4, Layers = 1, Width = 16, Heads = 2, Context = 32, CheckpointEvery = 0,
        World = new WorldOptions { Countries = 4, CitiesPerCountry = 2, Continents = 2, People = 12, Companies = 4, Holdings = 2 },
    });

    private static IReadOnlyList<PhrasingAccuracy> Measure(string relation, params string[] templates) =>
        FactEvaluator.ForPhrasings(Untrained.Model, Untrained.Tokenizer, Untrained.World,
            new Dictionary<string, IReadOnlyList<string>> { [relation] = templates });

    [Fact]
    public void AWorldPhrasingMeasuredAsExtraGivesTheSameRowAsTheBreakdown()
    {
        var template = Relations.Occupation.HeldOutTemplates[1];
        var extra = Assert.Single(Measure("occupation", template));
        var own = FactEvaluator.ByPhrasing(Untrained.Model, Untrained.Tokenizer, Untrained.World).Single(r => r.Template == template);
        Assert.Equal(own, extra);
        Assert.Equal(Untrained.World.Facts.Count(f => f.Relation == Relations.Occupation), extra.Prompts);
    }

    [Theory]
    [InlineData("occupaton", "The job of {} is", "unknown relation 'occupaton'")]
    [InlineData("occupation", "The job of is", "exactly one '{}'")]
    [InlineData("occupation", "{} and {} are", "exactly one '{}'")]
    public void BadPhrasingsAreRefusedWithWhatIsWrong(string relation, string template, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Measure(relation, template));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWordOutsideTheVocabularyIsNamed()
    {
        var e = Assert.Throws<WorldTextException>(() => Measure("occupation", "The vocation of {} is"));
        Assert.Equal(" vocation", e.Word);
    }
}
