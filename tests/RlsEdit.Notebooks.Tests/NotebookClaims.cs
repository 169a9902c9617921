using Xunit;

namespace RlsEdit.Notebooks.Tests;

/// <summary>
/// What each notebook claims, checked from the variables its cells leave in the kernel. The notebook prints its own
/// verdict for the reader; the thresholds here are the test's, so a notebook cannot pass by declaring success.
/// Every notebook must also leave <c>figurePath</c>, the PNG it saved under notebooks/figures/.
/// </summary>
internal static class NotebookClaims
{
    public static readonly IReadOnlyDictionary<string, Action<NotebookRun>> ByNotebook = new Dictionary<string, Action<NotebookRun>>
    {
        ["01-least-squares-three-ways.ipynb"] = run =>
        {
            // κ(H) ≤ ~1e4 in the underdetermined start, so agreement is ~κ·ε; a wrong update is off by ≥ 1e-2.
            var rlsVsBatch = run.Get<List<double>>("rlsVsBatch");
            Assert.Equal(240 / 4, rlsVsBatch.Count);
            Assert.All(rlsVsBatch, e => Assert.InRange(e, 0.0, 1e-9));
            Assert.InRange(run.Get<double>("qrVsNormal"), 0.0, 1e-9);
            // The estimate approaches the truth as rows arrive (noise 0.1, 240 rows: ≈ 0.1·√(d/n) ≈ 0.02).
            var rlsVsTruth = run.Get<List<double>>("rlsVsTruth");
            Assert.InRange(rlsVsTruth[^1], 0.0, 0.1);
            Assert.True(run.Get<bool>("threeWaysAgree"));
        },
        ["02-woodbury-and-cholesky.ipynb"] = run =>
        {
            // Timings are shown, never asserted; the claim is that the O(d²) update is the same computation.
            Assert.True(run.Get<int[]>("sizes").Length >= 4);
            Assert.InRange(run.Get<double>("maxDisagreement"), 0.0, 1e-9);
            Assert.InRange(run.Get<double>("maxInverseError"), 0.0, 1e-9);
            Assert.True(run.Get<bool>("sameComputation"));
        },
    };
}
