using Xunit;

namespace RlsEdit.Tests;

public class CliTests
{
    [Fact]
    public void Demo_recursion_matches_batch_solution()
    {
        Assert.Equal(0, RlsEdit.Cli.Program.Main(["demo", "--dk", "40", "--dv", "7", "--steps", "30", "--batch", "3"]));
    }

    [Fact]
    public void Demo_rejects_invalid_regularization_with_input_error()
    {
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["demo", "--alpha", "0", "--beta", "0"]));
    }
}
