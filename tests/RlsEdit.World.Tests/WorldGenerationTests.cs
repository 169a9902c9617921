using System.Security.Cryptography;
using RlsEdit.World;
using Xunit;

namespace RlsEdit.World.Tests;

public class WorldGenerationTests
{
    private static string CorpusHash(int worldSeed, int corpusSeed, int documents)
    {
        var path = Path.Combine(Path.GetTempPath(), $"world-corpus-{Guid.NewGuid():N}.txt");
        try
        {
            new WorldCorpus(FactWorld.Generate(worldSeed), corpusSeed).Write(path, documents);
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameWorldAndCorpusBytes()
    {
        var a = FactWorld.Generate(7);
        var b = FactWorld.Generate(7);
        Assert.Equal(a.Facts.Select(f => (f.Subject, f.Relation.Id, f.Object)), b.Facts.Select(f => (f.Subject, f.Relation.Id, f.Object)));
        Assert.Equal(CorpusHash(7, 1, 500), CorpusHash(7, 1, 500));
        Assert.Equal(WorldTokenizer.Build(a).ToJson(), WorldTokenizer.Build(b).ToJson());
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWorldsAndCorpora()
    {
        var a = FactWorld.Generate(7);
        var b = FactWorld.Generate(8);
        Assert.NotEqual(a.Entities[EntityKind.Person], b.Entities[EntityKind.Person]);
        Assert.NotEqual(CorpusHash(7, 1, 200), CorpusHash(8, 1, 200));
        Assert.NotEqual(CorpusHash(7, 1, 200), CorpusHash(7, 2, 200));
    }

    [Fact]
    public void WorldHasTheAdvertisedShape()
    {
        var world = FactWorld.Generate(3);
        var o = world.Options;
        int subjects = o.Countries + o.Countries * o.CitiesPerCountry + o.People + o.Companies;
        Assert.InRange(subjects, 300, 500);
        Assert.Equal(13, Relations.All.Count);
        Assert.Equal(o.Countries * 3 + o.Countries * o.CitiesPerCountry + o.People * 6 + o.Companies * 3, world.Facts.Count);
        // Exactly one object per (subject, relation), and it is a valid object of the relation.
        Assert.Equal(world.Facts.Count, world.Facts.Select(f => (f.Subject, f.Relation.Id)).Distinct().Count());
        foreach (var f in world.Facts)
        {
            Assert.Contains(f.Object, world.ObjectsOf(f.Relation));
            Assert.Contains(f.Subject, world.Entities[f.Relation.SubjectKind]);
        }
        // A capital lies in its own country.
        foreach (var f in world.Facts.Where(f => f.Relation == Relations.Capital))
            Assert.Equal(f.Subject, world.Find(f.Object, Relations.LocatedIn)!.Object);
        // Names are unique across kinds (a name means one thing).
        var names = world.Entities.Where(e => e.Key is not (EntityKind.Person or EntityKind.Instrument or EntityKind.Profession or EntityKind.Industry))
            .SelectMany(e => e.Value).Concat(world.Entities[EntityKind.Person].SelectMany(p => p.Split(' '))).Distinct().ToList();
        var english = WorldText.EnglishWords();
        Assert.DoesNotContain(names, n => english.Contains(n, StringComparer.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void EveryPersonHasTheirOwnSurnameUsedByNoOtherName(int seed)
    {
        var world = FactWorld.Generate(seed, new WorldOptions { People = 600 });
        var people = world.Entities[EntityKind.Person];
        var surnames = people.Select(p => p.Split(' ')[^1]).ToList();
        Assert.Equal(people.Count, surnames.Distinct(StringComparer.Ordinal).Count());
        // A surname is the last token of its person: no first name or other entity may share it.
        var otherNames = people.Select(p => p.Split(' ')[0])
            .Concat(world.Entities.Where(e => e.Key != EntityKind.Person).SelectMany(e => e.Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(surnames, otherNames.Contains);
        // First names may repeat (people share a few dozen), so the surname is what tells people apart.
        Assert.True(people.Select(p => p.Split(' ')[0]).Distinct().Count() < people.Count);
    }

    [Fact]
    public void HeldOutPhrasingsUseOnlyWordsSeenInTraining()
    {
        var world = FactWorld.Generate(3);
        var corpus = new WorldCorpus(world, 1);
        var trainingWords = Enumerable.Range(0, 20_000).SelectMany(i => WorldText.PreTokens(corpus.Document(i))).ToHashSet();
        foreach (var relation in Relations.All)
            foreach (var template in relation.HeldOutTemplates)
            {
                var subject = world.Facts.First(f => f.Relation == relation).Subject;
                foreach (var word in WorldText.PreTokens(Relation.Fill(template, subject)))
                    Assert.True(trainingWords.Contains(word), $"'{word}' of held-out phrasing '{template}' never occurs in training text");
                Assert.DoesNotContain(template, relation.TrainingTemplates);
            }
    }

    [Fact]
    public void HeldOutPromptsNeverEndWhereATrainingPhrasingContinues()
    {
        static List<string> Tokens(string template) =>
            template.Split("{}").SelectMany((part, i) => (i > 0 ? new[] { "{}" } : []).Concat(WorldText.PreTokens(part).Select(t => t.Trim()).Where(t => t.Length > 0))).ToList();
        foreach (var relation in Relations.All)
            foreach (var heldOut in relation.HeldOutTemplates)
            {
                // Only phrasings about the same kind of subject compete: the subject tells them apart otherwise.
                var training = Relations.All.Where(r => r.SubjectKind == relation.SubjectKind).SelectMany(r => r.TrainingTemplates).Select(Tokens).ToList();
                var ending = Tokens(heldOut).TakeLast(3).ToList();
                foreach (var t in training)
                    for (int i = 0; i + ending.Count < t.Count; i++)
                        Assert.False(t.Skip(i).Take(ending.Count).SequenceEqual(ending),
                            $"held-out '{heldOut}' ends with '{string.Join(" ", ending)}', which a training phrasing continues: '{string.Join(" ", t)}'");
            }
    }

    [Fact]
    public void CorpusStatesOnlyTrueFactsInTrainingPhrasings()
    {
        var world = FactWorld.Generate(5);
        var corpus = new WorldCorpus(world, 9);
        var sentences = world.Facts.SelectMany(f => f.Relation.TrainingTemplates.Select(t => Relation.Sentence(t, f.Subject, f.Object))).ToHashSet();
        var filler = 0;
        for (int i = 0; i < 300; i++)
        {
            var doc = corpus.Document(i);
            var parts = System.Text.RegularExpressions.Regex.Split(doc, @"(?<=\.) ");
            bool isFiller = !parts.All(sentences.Contains);
            if (isFiller)
            {
                filler++;
                Assert.Single(parts);
            }
        }
        Assert.InRange(filler, 10, 60);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => FactWorld.Generate(1, new WorldOptions { Countries = 1 }));
    }
}
