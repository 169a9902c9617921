using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace RlsEdit.Generators.Tests;

public class GeneratorTests
{
    /// <summary>The declarations of src/RlsEdit.Tensors/Kernels/MicroKernelDeclarations.cs, as the core writes them.</summary>
    private const string CoreDeclarations = """
        namespace RlsEdit.Tensors.Kernels;

        [MicroKernel(typeof(double), 512, 14, 16)]
        internal static partial class DoubleKernel512x14x16;

        [MicroKernel(typeof(double), 512, 8, 24, Dispatch = false)]
        internal static partial class DoubleKernel512x8x24;

        [MicroKernel(typeof(double), 256, 6, 8)]
        internal static partial class DoubleKernel256x6x8;

        [MicroKernel(typeof(double), 128, 4, 4)]
        internal static partial class DoubleKernel128x4x4;

        [MicroKernel(typeof(float), 512, 14, 32)]
        internal static partial class SingleKernel512x14x32;

        [MicroKernel(typeof(float), 256, 6, 16)]
        internal static partial class SingleKernel256x6x16;

        [MicroKernel(typeof(float), 128, 4, 8)]
        internal static partial class SingleKernel128x4x8;
        """;

    private const string Consumer = """
        namespace RlsEdit.Tensors.Kernels;

        internal static unsafe class Consumer
        {
            public static void Call(double* a, double* b, double* c)
            {
                MicroKernelDispatch.Double.Full(4, a, b, c, 16, 1.0, 0.0);
                DoubleKernel256x6x8.Edge(4, a, b, c, 8, 1, 3, 5, 2.0, 1.0);
                SingleKernel128x4x8.Set.Lower(1, (float*)a, (float*)b, (float*)c, 8, 1, 4, 8, 0, 1f, 0f);
            }
        }
        """;

    [Fact]
    public void Core_declarations_generate_code_that_compiles_without_warnings()
    {
        var (generator, compilation, run) = GeneratorHarness.Run(CoreDeclarations, Consumer);
        Assert.Empty(generator);
        Assert.Empty(compilation.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        var files = run.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).ToList();
        Assert.Contains("MicroKernelDispatch.g.cs", files);
        Assert.Contains("RlsEdit.Tensors.Kernels.DoubleKernel512x14x16.g.cs", files);
        Assert.Equal(7 + 3, files.Count); // one per kernel, attribute, kernel set, dispatch
    }

    [Theory]
    [InlineData("double", 512, 14, 16, 8, "FusedMultiplyAdd")]
    [InlineData("float", 512, 14, 32, 16, "FusedMultiplyAdd")]
    [InlineData("double", 256, 6, 8, 4, "FusedMultiplyAdd")]
    [InlineData("float", 128, 4, 8, 4, "MultiplyAddEstimate")]
    public void Full_kernel_issues_one_multiply_add_per_accumulator_per_k_step(string type, int bits, int mr, int nr, int lanes, string fma)
    {
        var (_, _, run) = GeneratorHarness.Run($"[RlsEdit.Tensors.Kernels.MicroKernel(typeof({type}), {bits}, {mr}, {nr})] static partial class K;");
        string code = run.GeneratedTrees.Single(t => t.FilePath.EndsWith("K.g.cs", StringComparison.Ordinal)).ToString();
        string loop = code[code.IndexOf("for (int p = 0; p < kc; p++)", StringComparison.Ordinal)..code.IndexOf("va = ", StringComparison.Ordinal)];
        int accumulators = mr * nr / lanes;
        Assert.Equal(accumulators, CountOf(loop, $"Vector{bits}.{fma}("));
        Assert.Equal(nr / lanes, CountOf(loop, $"Vector{bits}.Load("));
        Assert.Equal(mr, CountOf(loop, $"Vector{bits}.Create(a["));
        // β = 0 branch stores without loading C.
        string betaZero = code[code.IndexOf("if (beta == 0)", StringComparison.Ordinal)..code.IndexOf("else", code.IndexOf("if (beta == 0)", StringComparison.Ordinal), StringComparison.Ordinal)];
        Assert.Equal(0, CountOf(betaZero, "Load("));
        Assert.Equal(accumulators, CountOf(betaZero, "Store("));
    }

    [Fact]
    public void Dispatch_tries_the_widest_kernel_first_and_ends_with_the_portable_one()
    {
        var (_, _, run) = GeneratorHarness.Run(CoreDeclarations);
        string dispatch = run.GeneratedTrees.Single(t => t.FilePath.EndsWith("MicroKernelDispatch.g.cs", StringComparison.Ordinal)).ToString();
        string select = dispatch[dispatch.IndexOf("SelectDouble()\n", StringComparison.Ordinal)..];
        int k512 = select.IndexOf("DoubleKernel512x14x16.IsSupported", StringComparison.Ordinal);
        int k256 = select.IndexOf("DoubleKernel256x6x8.IsSupported", StringComparison.Ordinal);
        int portable = select.IndexOf("return global::RlsEdit.Tensors.Kernels.DoubleKernel128x4x4.Set;", StringComparison.Ordinal);
        Assert.True(k512 >= 0 && k512 < k256 && k256 < portable, select);
        Assert.DoesNotContain("DoubleKernel512x8x24.IsSupported", select); // Dispatch = false
        Assert.Contains("DoubleKernel512x8x24.Set", dispatch); // but still listed for measurement
    }

    [Theory]
    [InlineData("[MicroKernel(typeof(double), 512, 14, 24)] static partial class TooWide;", "RLSG001", "needs 46 vector registers")]
    [InlineData("[MicroKernel(typeof(double), 256, 8, 8)] static partial class TooWideForAvx2;", "RLSG001", "AVX2 register file has 16")]
    [InlineData("[MicroKernel(typeof(int), 256, 4, 8)] static partial class Integers;", "RLSG002", "'int'")]
    [InlineData("[MicroKernel(typeof(System.Half), 128, 4, 8)] static partial class Halves;", "RLSG002", "System.Half")]
    [InlineData("[MicroKernel(typeof(double), 512, 14, 16)] static class NotPartial { }", "RLSG003", "NotPartial")]
    [InlineData("[MicroKernel(typeof(double), 512, 14, 16)] partial class NotStatic { }", "RLSG003", "NotStatic")]
    [InlineData("static partial class Outer { [MicroKernel(typeof(double), 512, 14, 16)] static partial class Nested; }", "RLSG003", "Nested")]
    [InlineData("[MicroKernel(typeof(double), 384, 4, 12)] static partial class OddWidth;", "RLSG004", "128, 256 or 512 bits, got 384")]
    [InlineData("[MicroKernel(typeof(float), 512, 6, 20)] static partial class RaggedNr;", "RLSG004", "multiple of the 16 float lanes")]
    [InlineData("[MicroKernel(typeof(double), 128, 0, 4)] static partial class NoRows;", "RLSG004", "MR = 0")]
    public void Invalid_declaration_reports_its_diagnostic_and_emits_no_kernel(string declaration, string id, string messagePart)
    {
        var (generator, _, run) = GeneratorHarness.Run("using RlsEdit.Tensors.Kernels;\n" + declaration);
        var diagnostic = Assert.Single(generator);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(messagePart, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(1, diagnostic.Location.GetLineSpan().StartLinePosition.Line); // points at the declaration, not elsewhere
        Assert.DoesNotContain(run.GeneratedTrees, t => t.FilePath.EndsWith("MicroKernelDispatch.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_dispatch_kernels_for_one_slot_are_reported()
    {
        var (generator, _, _) = GeneratorHarness.Run("""
            using RlsEdit.Tensors.Kernels;
            [MicroKernel(typeof(double), 512, 14, 16)] static partial class First;
            [MicroKernel(typeof(double), 512, 8, 24)] static partial class Second;
            [MicroKernel(typeof(double), 512, 24, 8, Dispatch = false)] static partial class MeasuredOnly;
            """);
        var diagnostic = Assert.Single(generator);
        Assert.Equal("RLSG005", diagnostic.Id);
        Assert.Contains("'First' and 'Second'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unrelated_edit_reuses_every_kernel_output()
    {
        var compilation = GeneratorHarness.Compile(CoreDeclarations, "class Unrelated { }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("class Unrelated { int x; int Y => x; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var models = result.TrackedSteps[MicroKernelGenerator.ModelStep].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(7, models.Count);
        Assert.All(models, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        var dispatch = result.TrackedSteps[MicroKernelGenerator.DispatchStep].SelectMany(s => s.Outputs).ToList();
        Assert.All(dispatch, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void Editing_a_declaration_regenerates_only_that_kernel()
    {
        var compilation = GeneratorHarness.Compile(CoreDeclarations);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(CoreDeclarations.Replace("[MicroKernel(typeof(double), 256, 6, 8)]", "[MicroKernel(typeof(double), 256, 4, 8)]", StringComparison.Ordinal),
                GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var reasons = result.TrackedSteps[MicroKernelGenerator.ModelStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(6, reasons.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.Contains("public const int Mr = 4;", result.GeneratedSources.Single(s => s.HintName.Contains("DoubleKernel256x6x8", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
