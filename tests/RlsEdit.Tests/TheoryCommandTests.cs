using RlsEdit.Numerics;
using Xunit;

namespace RlsEdit.Tests;

public class TheoryCommandTests
{
    [Fact]
    public void Theory_synthetic_reports_bounds_that_hold()
    {
        Assert.Equal(0, RlsEdit.Cli.Program.Main(["theory", "--synthetic", "--dk", "5", "--steps", "12", "--every", "4", "--limit-steps", "1000"]));
    }

    [Fact]
    public void Theory_needs_exactly_one_experiment()
    {
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["theory"]));
        Assert.Equal(2, RlsEdit.Cli.Program.Main(["theory", "--synthetic", "--drift"]));
    }

    [Fact]
    public void Drift_experiment_stays_at_working_precision_over_a_short_stream()
    {
        Assert.Equal(0, RlsEdit.Cli.Program.Main(["theory", "--drift", "--dk", "6", "--steps", "300", "--checkpoints", "2"]));
        var d64 = InverseDriftExperiment.Run<double>(12, 3000, 3, 0.01, 100, 5);
        var d32 = InverseDriftExperiment.Run<float>(12, 3000, 3, 0.01, 100, 5);
        Assert.Equal([1000, 2000, 3000], d64.Select(r => r.Step));
        Assert.All(d64, r => Assert.InRange(r.RelativeError, 0, 1e-12));
        Assert.All(d32, r => Assert.InRange(r.RelativeError, 1e-9, 1e-3));   // float32 is measurably worse, but bounded
        Assert.All(d32, r => Assert.True(r.MinDiagonal > 0));
    }
}
