using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;
using DocumentKernelInfo = Microsoft.DotNet.Interactive.Documents.KernelInfo;

namespace RlsEdit.Notebooks.Tests;

/// <summary>
/// Runs one .ipynb the way VS Code Polyglot Notebooks would: every C# cell in order, in one fresh C# kernel whose
/// working directory is notebooks/ (figures land in notebooks/figures/). Markdown cells are skipped; a cell in any
/// other language is an error, as is a compile error or an exception in any cell.
/// </summary>
internal static class NotebookRunner
{
    // A guard against hangs, not a speed check: notebook 06's editing cell runs three 300-edit streams (minutes on the
    // shared 2-core machine while other builds run).
    private static readonly TimeSpan CellTimeout = TimeSpan.FromMinutes(15);

    public static async Task<NotebookRun> RunAsync(string notebookPath, Action<string>? log = null)
    {
        string name = Path.GetFileName(notebookPath);
        var document = Parse(notebookPath);
        var kernel = new CSharpKernel()
            .UseKernelHelpers()
            .UseNugetDirective((k, references) =>
            {
                k.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            }, false);
        var started = DateTime.UtcNow.AddSeconds(-1);   // file times are coarser than the clock
        string previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = RepositoryLayout.NotebooksFolder;
        try
        {
            var cells = document.Elements;
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                if (cell.KernelName == "markdown") continue;
                if (cell.KernelName != "csharp")
                    throw new NotebookCellFailedException(name, i, cell.Contents, $"kernel '{cell.KernelName}' is not supported; only C# cells run here.");
                string code = cell.Contents.Replace(
                    '"' + RepositoryLayout.NotebookLibraryFolder, '"' + AppContext.BaseDirectory, StringComparison.Ordinal);
                using var timeout = new CancellationTokenSource(CellTimeout);
                long cellStart = Stopwatch.GetTimestamp();
                var result = await kernel.SendAsync(new SubmitCode(code), timeout.Token);
                log?.Invoke($"[{name} cell {i}: {Stopwatch.GetElapsedTime(cellStart).TotalSeconds:F2} s]");
                string? error = Describe(result, log);
                if (error is not null)
                    throw new NotebookCellFailedException(name, i, cell.Contents, error);
            }
            return new NotebookRun(name, kernel, started);
        }
        catch
        {
            kernel.Dispose();
            throw;
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }
    }

    public static InteractiveDocument Parse(string notebookPath) =>
        Notebook.Parse(File.ReadAllText(notebookPath),
            new KernelInfoCollection { new DocumentKernelInfo("csharp", "C#", ["c#", "cs"]) });

    /// <summary>Returns null when the cell succeeded; else its compiler errors, or the failure and its exception.</summary>
    private static string? Describe(KernelCommandResult result, Action<string>? log)
    {
        var compileErrors = new List<string>();
        CommandFailed? failure = null;
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case CommandFailed failed:
                    failure = failed;
                    break;
                case DiagnosticsProduced diagnostics:
                    compileErrors.AddRange(diagnostics.Diagnostics
                        .Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                        .Select(d => $"{d.Code} at {d.LinePositionSpan}: {d.Message}"));
                    break;
                case StandardOutputValueProduced output:
                    log?.Invoke(output.FormattedValues.FirstOrDefault()?.Value ?? "");
                    break;
                case StandardErrorValueProduced output:
                    log?.Invoke("stderr: " + output.FormattedValues.FirstOrDefault()?.Value);
                    break;
            }
        }
        if (failure is null) return null;
        return compileErrors.Count > 0
            ? string.Join('\n', compileErrors)
            : $"{failure.Message}\n{failure.Exception}";
    }
}

/// <summary>A notebook that ran to the end; its kernel still holds every variable the cells defined.</summary>
internal sealed class NotebookRun(string name, CSharpKernel kernel, DateTime started) : IDisposable
{
    public string Name { get; } = name;

    /// <summary>The value of a top-level variable the notebook defined, or a failure naming it.</summary>
    public T Get<T>(string variable) =>
        kernel.TryGetValue(variable, out T value)
            ? value
            : throw new Xunit.Sdk.XunitException($"{Name} defines no variable '{variable}' of type {typeof(T).Name}.");

    /// <summary>The PNG whose full path the notebook left in <paramref name="variable"/> is in notebooks/figures/ and was written by this run.</summary>
    public void AssertFigureWritten(string variable)
    {
        string path = Get<string>(variable);
        Xunit.Assert.Equal(Path.Combine(RepositoryLayout.NotebooksFolder, "figures"), Path.GetDirectoryName(path));
        Xunit.Assert.True(File.Exists(path), $"{Name}: figure {path} was not written.");
        Xunit.Assert.True(File.GetLastWriteTimeUtc(path) >= started, $"{Name}: figure {path} is stale (not written by this run).");
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Xunit.Assert.True(bytes.AsSpan().StartsWith(signature), $"{Name}: {path} is not a PNG.");
        Xunit.Assert.True(bytes.Length > 10_000, $"{Name}: {path} is only {bytes.Length} bytes; an empty plot?");
    }

    public void Dispose() => kernel.Dispose();
}
