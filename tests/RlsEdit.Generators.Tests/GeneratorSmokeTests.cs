using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RlsEdit.Generators;
using Xunit;

namespace RlsEdit.Generators.Tests;

public class GeneratorSmokeTests
{
    [Fact]
    public void Generator_runs_without_diagnostics_on_unrelated_code()
    {
        var compilation = CSharpCompilation.Create("T", [CSharpSyntaxTree.ParseText("class C { }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var driver = CSharpGeneratorDriver.Create(new MicroKernelGenerator()).RunGenerators(compilation);
        Assert.Empty(driver.GetRunResult().Diagnostics);
    }
}
