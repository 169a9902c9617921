using RlsEdit.Models;
using RlsEdit.World;
using Xunit;

namespace RlsEdit.World.Tests;

public class TokenizerTests
{
    private static readonly FactWorld World = FactWorld.Generate(11);
    private static readonly WorldTokenizer Tokenizer = WorldTokenizer.Build(World);

    private static Microsoft.ML.Tokenizers.Tokenizer LoadThroughModelRuntime()
    {
        var dir = Directory.CreateTempSubdirectory("world-tok");
        try
        {
            Tokenizer.Save(Path.Combine(dir.FullName, "tokenizer.json"));
            return ModelTokenizer.Load(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void RuntimeTokenizerGivesOneTokenPerWordExactlyAsTheWorldEncoder()
    {
        var runtime = LoadThroughModelRuntime();
        var corpus = new WorldCorpus(World, 2);
        var texts = Enumerable.Range(0, 400).Select(i => corpus.Document(i))
            .Concat(EditSetGenerator.Generate(World, 50, 1).SelectMany(r => r.ParaphrasePrompts.Concat(r.NeighborhoodPrompts)));
        foreach (var text in texts)
        {
            var expected = Tokenizer.Encode(text);
            Assert.Equal(WorldText.PreTokens(text).Count(), expected.Length);
            Assert.Equal(expected, runtime.EncodeToIds(text));
            Assert.Equal(text, Tokenizer.Decode(expected));
        }
    }

    [Fact]
    public void EveryObjectIsOneTokenAfterASpace()
    {
        var runtime = LoadThroughModelRuntime();
        foreach (var relation in Relations.All)
            foreach (var obj in World.ObjectsOf(relation))
            {
                var ids = runtime.EncodeToIds(" " + obj);
                Assert.Single(ids);
                Assert.Equal(Tokenizer.Id(" " + obj), ids[0]);
            }
    }

    [Fact]
    public void UnknownWordsAreATypedError()
    {
        var e = Assert.Throws<WorldTextException>(() => Tokenizer.Encode("The capital of Zzyzzyx is"));
        Assert.Equal(" Zzyzzyx", e.Word);
    }

    [Fact]
    public void VocabularyStaysSmall()
    {
        Assert.InRange(Tokenizer.VocabSize, 500, 4608);
        Assert.Equal(0, Tokenizer.Id(WorldTokenizer.EndOfText));
    }
}
