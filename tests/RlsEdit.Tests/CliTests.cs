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
                // The bundled model is tiny-world-wide; with its file (block 3, last token) at least 3 of the 4 edits take
                // (docs/results.md: RLSEdit 100 % and MEMIT 93.5 % over 200).
                double pre = summary.RootElement.GetProperty("pre").GetProperty("rewrite_success").GetDouble();
                double post = summary.RootElement.GetProperty("post").GetProperty("rewrite_success").GetDouble();
                Assert.True(pre == 0 && post >= 75, $"{editor}: efficacy {pre} → {post}");
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

    [Fact]
    public void Key_geometry_measures_the_bundled_models_edit_keys_and_refuses_bad_layers()
    {
        string edits = Path.Combine(Path.GetTempPath(), $"rlsedit-keygeometry-{Guid.NewGuid():N}.json");
        try
        {
            string model = FindBundledModel();
            Assert.Equal(0, RlsEdit.Cli.Program.Main(["world", "edits", "--count", "12", "--seed", "3", "--out", edits]));
            Assert.Equal(0, RlsEdit.Cli.Program.Main(["key-geometry", "--model", model, "--edits", edits, "--layers", "2"]));
            Assert.Equal(2, RlsEdit.Cli.Program.Main(["key-geometry", "--model", model, "--edits", edits, "--layers", "two"]));
            Assert.Equal(2, RlsEdit.Cli.Program.Main(["key-geometry", "--model", model, "--edits", edits, "--layers", "4"]));
            Assert.Equal(2, RlsEdit.Cli.Program.Main(["key-geometry", "--model", model, "--edits", edits, "--count", "1"]));
        }
        finally
        {
            File.Delete(edits);
        }
    }

    private static string FindBundledModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", "tiny-world");
            if (File.Exists(Path.Combine(candidate, "model.safetensors"))) return candidate;
        }
        throw new DirectoryNotFoundException("models/tiny-world was not found above the test's output folder.");
    }
}
