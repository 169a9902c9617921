using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RlsEdit.Generators;

/// <summary>
/// Emits the core's register-tiled SIMD micro-kernels from <c>[MicroKernel(elementType, vectorBits, mr, nr)]</c>
/// declarations on static partial classes, plus a dispatch that picks the widest supported kernel at start-up.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MicroKernelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking name of the step that reads each declaration into a value-equatable model.</summary>
    public const string ModelStep = "KernelModels";

    /// <summary>Tracking name of the step that gathers every valid model for the dispatch.</summary>
    public const string DispatchStep = "KernelDispatch";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(c =>
        {
            c.AddSource("MicroKernelAttribute.g.cs", PostInitializationSources.Attribute);
            c.AddSource("MicroKernelSet.g.cs", PostInitializationSources.KernelSet);
        });

        var models = context.SyntaxProvider.ForAttributeWithMetadataName(
                KernelModel.AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => KernelModel.Read(ctx, ct))
            .WithTrackingName(ModelStep);

        context.RegisterSourceOutput(models, static (spc, model) =>
        {
            foreach (var diagnostic in model.Diagnostics.AsArray()) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (model.IsValid)
                spc.AddSource($"{model.Namespace}.{model.ClassName}.g.cs".TrimStart('.'), KernelEmitter.EmitKernel(model));
        });

        var dispatch = models.Where(static m => m.IsValid).Collect().WithTrackingName(DispatchStep);
        context.RegisterSourceOutput(dispatch, static (spc, all) =>
        {
            if (all.IsEmpty) return;
            var ordered = all.OrderBy(m => m.FullName, System.StringComparer.Ordinal).ToList();
            foreach (var clash in DuplicateDispatchSlots(ordered))
                spc.ReportDiagnostic(Diagnostic.Create(KernelDiagnostics.DuplicateDispatch, clash.Second.Location.ToLocation(),
                    clash.First.ClassName, clash.Second.ClassName, clash.First.ElementType, clash.First.VectorBits));
            spc.AddSource("MicroKernelDispatch.g.cs", KernelEmitter.EmitDispatch(ordered));
        });
    }

    private static IEnumerable<(KernelModel First, KernelModel Second)> DuplicateDispatchSlots(IReadOnlyList<KernelModel> models)
    {
        foreach (var slot in models.Where(m => m.Dispatch).GroupBy(m => (m.ElementType, m.VectorBits)))
        {
            var list = slot.ToList();
            for (int i = 1; i < list.Count; i++) yield return (list[0], list[i]);
        }
    }
}
