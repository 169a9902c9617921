using System.CommandLine;
using RlsEdit.Cli.Commands;

namespace RlsEdit.Cli;

/// <summary>Entry point of the <c>rlsedit</c> tool.</summary>
public static class Program
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("rlsedit — lifelong editing of language models with soft recursive least squares, on a CPU.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(RlsCommand.Create());
        root.Subcommands.Add(TheoryCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(WorldCommand.Create());
        root.Subcommands.Add(EditCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(OnnxCommand.Create());
        root.Subcommands.Add(KeyGeometryCommand.Create());
        return root.Parse(args).Invoke();
    }
}
