using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace RlsEdit.Generators;

/// <summary>Where a diagnostic points, stored by value so that models stay equatable across compilations.</summary>
internal readonly record struct LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo From(Location location) =>
         new LocationInfo(location.SourceTree?.FilePath ?? "", location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic found while reading one declaration: descriptor id plus message arguments (all strings).</summary>
internal readonly record struct DiagnosticInfo(string Id, LocationInfo Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic()
    {
        var descriptor = Id switch
        {
            "RLSG001" => KernelDiagnostics.TooManyRegisters,
            "RLSG002" => KernelDiagnostics.UnsupportedElementType,
            "RLSG003" => KernelDiagnostics.TargetNotStaticPartial,
            "RLSG004" => KernelDiagnostics.InvalidTile,
            _ => KernelDiagnostics.DuplicateDispatch,
        };
        return Diagnostic.Create(descriptor, Location.ToLocation(), Arguments.AsArray().Cast<object>().ToArray());
    }
}

/// <summary>
/// Everything the emitter needs about one <c>[MicroKernel]</c> class, by value: the generator's cache compares
/// these with <c>Equals</c>, so an edit elsewhere leaves the kernel outputs untouched.
/// </summary>
internal sealed record KernelModel(
    string Namespace,
    string ClassName,
    string ElementType,
    int VectorBits,
    int Mr,
    int Nr,
    bool Dispatch,
    LocationInfo Location,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public const string AttributeName = "RlsEdit.Tensors.Kernels.MicroKernelAttribute";

    public bool IsValid => Diagnostics.Length == 0;
    public int Lanes => VectorBits / (ElementType == "double" ? 64 : 32);
    public string FullName => Namespace.Length == 0 ? "global::" + ClassName : "global::" + Namespace + "." + ClassName;

    /// <summary>Vector registers the full-tile kernel keeps live in its k loop.</summary>
    public static int RegistersNeeded(int mr, int nr, int lanes) => mr * (nr / lanes) + nr / lanes + 1;

    /// <summary>Architectural vector registers: 32 zmm with AVX-512; 16 ymm/xmm is what AVX2 and the portable path may assume.</summary>
    public static int RegisterFile(int vectorBits) => vectorBits == 512 ? 32 : 16;

    public static KernelModel Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var location = LocationInfo.From(syntax.Identifier.GetLocation());
        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        string name = symbol.Name;

        string elementType = "";
        int bits = 0, mr = 0, nr = 0;
        var args = attribute.ConstructorArguments;
        if (args.Length == 4)
        {
            if (args[0].Value is ITypeSymbol type)
                elementType = type.SpecialType switch
                {
                    SpecialType.System_Double => "double",
                    SpecialType.System_Single => "float",
                    _ => type.ToDisplayString(),
                };
            bits = args[1].Value is int b ? b : 0;
            mr = args[2].Value is int m ? m : 0;
            nr = args[3].Value is int n ? n : 0;
        }
        bool dispatch = true;
        foreach (var named in attribute.NamedArguments)
            if (named.Key == "Dispatch" && named.Value.Value is bool d) dispatch = d;

        bool isStaticPartial = symbol.IsStatic && symbol.ContainingType is null
            && syntax.Modifiers.Any(SyntaxKind.PartialKeyword);
        if (!isStaticPartial)
            diagnostics.Add(new DiagnosticInfo("RLSG003", location, new EquatableArray<string>(name)));

        if (elementType != "double" && elementType != "float")
            diagnostics.Add(new DiagnosticInfo("RLSG002", location, new EquatableArray<string>(name, elementType)));
        else if (bits != 128 && bits != 256 && bits != 512)
            diagnostics.Add(new DiagnosticInfo("RLSG004", location,
                new EquatableArray<string>(name, $"vector width must be 128, 256 or 512 bits, got {bits}")));
        else
        {
            int lanes = bits / (elementType == "double" ? 64 : 32);
            if (mr < 1 || nr < 1 || nr % lanes != 0)
                diagnostics.Add(new DiagnosticInfo("RLSG004", location,
                    new EquatableArray<string>(name, $"MR must be ≥ 1 and NR a positive multiple of the {lanes} {elementType} lanes of a {bits}-bit vector, got MR = {mr}, NR = {nr}")));
            else
            {
                int needed = RegistersNeeded(mr, nr, lanes), file = RegisterFile(bits);
                if (needed > file)
                    diagnostics.Add(new DiagnosticInfo("RLSG001", location, new EquatableArray<string>(
                        name, mr.ToString(), nr.ToString(), elementType, bits.ToString(), needed.ToString(),
                        (mr * (nr / lanes)).ToString(), (nr / lanes).ToString(),
                        bits == 512 ? "AVX-512" : bits == 256 ? "AVX2" : "128-bit", file.ToString())));
            }
        }

        string ns = symbol.ContainingNamespace.IsGlobalNamespace ? "" : symbol.ContainingNamespace.ToDisplayString();
        return new KernelModel(ns, name, elementType, bits, mr, nr, dispatch, location,
            new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
    }
}
