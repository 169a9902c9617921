using Microsoft.CodeAnalysis;

namespace RlsEdit.Generators;

/// <summary>Emits the core's register-tiled SIMD micro-kernels from declarative attributes.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class MicroKernelGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
