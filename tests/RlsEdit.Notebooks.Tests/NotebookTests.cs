using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RlsEdit.Notebooks.Tests;

public sealed class NotebookTests(ITestOutputHelper output)
{
    public static TheoryData<string> Notebooks => new(RepositoryLayout.NotebookPaths.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_and_its_claim_holds(string notebook)
    {
        Assert.True(NotebookClaims.ByNotebook.TryGetValue(notebook, out var checkClaim),
            $"{notebook} has no entry in NotebookClaims: every notebook needs a checked claim.");
        using var run = await NotebookRunner.RunAsync(Path.Combine(RepositoryLayout.NotebooksFolder, notebook), output.WriteLine);

        checkClaim(run);
        run.AssertFigureWritten("figurePath");
    }

    [Fact]
    public void Every_claim_has_its_notebook() =>
        Assert.Equal(NotebookClaims.ByNotebook.Keys.Order(StringComparer.Ordinal),
            RepositoryLayout.NotebookPaths.Select(Path.GetFileName));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_is_committed_without_outputs(string notebook)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.NotebooksFolder, notebook)));
        int index = 0;
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() == "code")
            {
                Assert.True(cell.GetProperty("outputs").GetArrayLength() == 0, $"{notebook}, cell {index}: clear its outputs before committing.");
                Assert.True(cell.GetProperty("execution_count").ValueKind == JsonValueKind.Null, $"{notebook}, cell {index}: execution_count must be null.");
            }
            index++;
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_loads_the_library_from_the_documented_folder(string notebook)
    {
        var codeCells = NotebookRunner.Parse(Path.Combine(RepositoryLayout.NotebooksFolder, notebook))
            .Elements.Where(e => e.KernelName == "csharp").Select(e => e.Contents).ToList();
        Assert.Contains($"#r \"{RepositoryLayout.NotebookLibraryFolder}RlsEdit.Tensors.dll\"", codeCells[0]);
        Assert.Contains($"#r \"{RepositoryLayout.NotebookLibraryFolder}ScottPlot.dll\"", codeCells[0]);
        // Any other file reference would load in the tests (whose folder already holds everything) but could be
        // missing or stale for a reader; package references are fine.
        var fileReferences = codeCells.SelectMany(c => Regex.Matches(c, "^#r \"(?!nuget:)([^\"]*)\"", RegexOptions.Multiline))
            .Select(m => m.Groups[1].Value);
        Assert.All(fileReferences, path => Assert.StartsWith(RepositoryLayout.NotebookLibraryFolder, path));
    }

    [Fact]
    public void ScottPlot_renders_text()
    {
        // A SkiaSharp newer than ScottPlot's pin silently draws no text at all; then the default font is empty.
        Assert.False(string.IsNullOrEmpty(ScottPlot.Fonts.Default));
    }
}
