using RlsEdit.Tensors;
using Xunit;

namespace RlsEdit.Models.Tests;

/// <summary><c>rlsedit model …</c> end to end: the .npy files it writes hold the golden reference values.</summary>
public sealed class ModelCommandTests
{
    private static string TempNpy() => Fixture.TempPath("cli", ".npy");

    [Fact]
    public void LogitsCommandWritesTheReferenceLogits()
    {
        var f = Fixture.Load("qwen2-tiny");
        string output = TempNpy();
        Assert.Equal(0, Cli.Program.Main(["model", "logits", "--model", f.Directory, "--token-ids", string.Join(",", f.TokenIds), "--out", output]));
        var logits = Npy.Read(output);
        Assert.Equal([f.TokenIds.Length, f.Vocab], logits.Shape);
        Compare.Close(logits.ToMatrix<float>().View, f.Logits, 1e-4, "cli logits");
    }

    [Fact]
    public void KeysCommandWritesTheReferenceKeys()
    {
        var f = Fixture.Load("gpt2-tiny");
        string output = TempNpy();
        Assert.Equal(0, Cli.Program.Main(["model", "keys", "--model", f.Directory, "--layer", "1", "--token-ids", string.Join(",", f.TokenIds), "--out", output]));
        var keys = Npy.Read(output);
        Assert.Equal([f.TokenIds.Length, 128L], keys.Shape);
        Compare.Close(keys.ToMatrix<float>().View, f.MlpKeys[1], 1e-4, "cli keys");
    }

    [Fact]
    public void GenerateCommandRunsWithTokenIds()
    {
        Assert.Equal(0, Cli.Program.Main(["model", "generate", "--model", Fixture.PathOf("llama-tiny"), "--token-ids", "1,7,9", "--max-new-tokens", "4"]));
    }

    [Theory]
    [InlineData("logits", "--token-ids", "5,96")]
    [InlineData("logits", "--token-ids", "5,x")]
    [InlineData("keys", "--layer", "2")]
    [InlineData("generate", "--prompt", "no tokenizer here")]
    public void BadInputsExitWithTheInputErrorCode(string command, string option, string value)
    {
        var args = new List<string> { "model", command, "--model", Fixture.PathOf("gpt2-tiny") };
        if (command != "generate") args.AddRange(["--out", TempNpy()]);
        if (option != "--token-ids" && command != "generate") args.AddRange(["--token-ids", "1,2"]);
        args.AddRange([option, value]);
        Assert.Equal(2, Cli.Program.Main([.. args]));
    }

    [Fact]
    public void MissingModelFolderExitsWithTheInputErrorCode()
    {
        Assert.Equal(2, Cli.Program.Main(["model", "logits", "--model", Fixture.TempPath("no-such-model"), "--token-ids", "1", "--out", TempNpy()]));
    }

    [Fact]
    public void GenerateCommandEncodesThePromptWithTheFoldersTokenizer()
    {
        string dir = Fixture.CopyToTemp("gpt2-tiny");
        var vocab = new Dictionary<string, int> { ["h"] = 0, ["i"] = 1, ["Ġ"] = 2, ["hi"] = 3 };
        File.WriteAllText(Path.Combine(dir, "vocab.json"), System.Text.Json.JsonSerializer.Serialize(vocab));
        File.WriteAllLines(Path.Combine(dir, "merges.txt"), ["#version: 0.2", "h i"]);
        var console = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(console);
        try
        {
            Assert.Equal(0, Cli.Program.Main(["model", "generate", "--model", dir, "--prompt", "hi hi", "--max-new-tokens", "3"]));
        }
        finally
        {
            Console.SetOut(saved);
        }
        // "hi hi" → [3, 2, 3]; the greedy continuation must be what the library generates for those ids.
        var expected = Generation.Generate(ModelFolder.Load<float>(dir), [3, 2, 3], new GenerationOptions(3, StopTokenId: 95));
        Assert.True(console.ToString().Contains($"new token ids: {string.Join(",", expected)}", StringComparison.Ordinal), $"output: [{console}] expected {string.Join(",", expected)}");
    }
}
