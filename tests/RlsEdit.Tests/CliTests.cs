using Xunit;

namespace RlsEdit.Tests;

public class CliTests
{
    [Fact]
    public void Demo_recursion_matches_batch_solution()
    {
        Assert.Equal(0, RlsEdit.Cli.Program.Main(["demo", "--synthetic", "--dk", "40", "--dv", "7", "--steps", "30", "--batch", "3"]));
    }

    [Fact]
    public void Demo_rejects_invalid_regularization_with_input_error()
    {
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["demo", "--synthetic", "--alpha", "0", "--beta", "0"]));
    }

    [Fact]
    public void Demo_edits_the_bundled_model_and_writes_both_runs()
    {
        string output = Path.Combine(Path.GetTempPath(), $"rlsedit-demo-test-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, RlsEdit.Cli.Program.Main(["demo", "--count", "4", "--batch-size", "2", "--out", output]));
            var run = Assert.Single(Directory.GetDirectories(output, "2*"));
            foreach (string editor in new[] { "rlsedit", "memit" })
            {
                using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, editor, "summary.json")));
                Assert.Equal(4, summary.RootElement.GetProperty("num_edits").GetInt32());
                Assert.Equal(editor, summary.RootElement.GetProperty("editor").GetString());
                Assert.True(summary.RootElement.GetProperty("post").GetProperty("rewrite_success").GetDouble() > summary.RootElement.GetProperty("pre").GetProperty("rewrite_success").GetDouble());
                Assert.True(File.Exists(Path.Combine(run, editor, "report.md")));
            }
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Demo_names_a_missing_model_folder()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}");
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["demo", "--model", missing, "--count", "4"]));
    }
}
