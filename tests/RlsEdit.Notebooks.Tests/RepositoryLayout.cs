namespace RlsEdit.Notebooks.Tests;

/// <summary>Where the notebooks and the library they load live, seen from the test's output folder.</summary>
internal static class RepositoryLayout
{
    /// <summary>
    /// The folder a notebook's first cell <c>#r</c>-references, relative to notebooks/. It is this project's Release
    /// output, which <c>dotnet build -c Release</c> at the root fills with the library and all its dependencies.
    /// The runner swaps it for the folder the tests actually run from, so Debug runs work too.
    /// </summary>
    public const string NotebookLibraryFolder = "../tests/RlsEdit.Notebooks.Tests/bin/Release/net10.0/";

    public static string Root { get; } = FindRoot();

    public static string NotebooksFolder => Path.Combine(Root, "notebooks");

    public static IReadOnlyList<string> NotebookPaths =>
        Directory.GetFiles(NotebooksFolder, "*.ipynb").Order(StringComparer.Ordinal).ToArray();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RlsEdit.Tensors.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No RlsEdit.Tensors.sln above the test folder {AppContext.BaseDirectory}.");
    }
}
