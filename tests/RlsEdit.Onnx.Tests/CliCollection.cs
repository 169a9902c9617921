namespace RlsEdit.Onnx.Tests;

/// <summary>
/// Test classes that run <c>rlsedit</c> commands in-process: Spectre.Console allows one live progress display at a time,
/// so two commands with progress bars running in parallel fail with "interactive functions concurrently".
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliCollection
{
    public const string Name = "rlsedit commands in-process";
}
