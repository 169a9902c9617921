using Microsoft.CodeAnalysis;

namespace RlsEdit.Generators;

/// <summary>The diagnostics the micro-kernel generator reports on invalid <c>[MicroKernel]</c> declarations.</summary>
public static class KernelDiagnostics
{
    private const string Category = "RlsEdit.MicroKernels";

    /// <summary>RLSG001: the tile needs more vector registers than the instruction set has.</summary>
    public static readonly DiagnosticDescriptor TooManyRegisters = new(
        "RLSG001", "Micro-kernel tile needs too many vector registers",
        "Micro-kernel '{0}' with a {1}×{2} tile of {3} at {4} bits needs {5} vector registers ({6} accumulators + {7} B vectors + 1 A broadcast), but the {8} register file has {9}; choose a smaller MR or NR",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>RLSG002: the element type is neither double nor float.</summary>
    public static readonly DiagnosticDescriptor UnsupportedElementType = new(
        "RLSG002", "Unsupported micro-kernel element type",
        "Micro-kernel '{0}' declares element type '{1}', but only double and float are supported",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>RLSG003: the target is not a top-level static partial class.</summary>
    public static readonly DiagnosticDescriptor TargetNotStaticPartial = new(
        "RLSG003", "Micro-kernel target must be a top-level static partial class",
        "Micro-kernel target '{0}' must be a top-level 'static partial class' so the generator can add the kernel methods to it",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>RLSG004: the vector width or tile shape is not one the generator can emit.</summary>
    public static readonly DiagnosticDescriptor InvalidTile = new(
        "RLSG004", "Invalid micro-kernel tile shape or vector width",
        "Micro-kernel '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>RLSG005: two kernels compete for the same dispatch slot.</summary>
    public static readonly DiagnosticDescriptor DuplicateDispatch = new(
        "RLSG005", "Two dispatch kernels for the same element type and vector width",
        "Micro-kernels '{0}' and '{1}' both take part in dispatch for {2} at {3} bits; set Dispatch = false on one of them",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
