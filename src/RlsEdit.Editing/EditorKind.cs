namespace RlsEdit.Editing;

/// <summary>The per-layer update rule of an edit run.</summary>
public enum EditorKind
{
    /// <summary>Soft recursive least squares: C carried across batches (the paper's recursion).</summary>
    RlsEdit,
    /// <summary>MEMIT: ΔW = (w·Cov + KᵀK)⁻¹Kᵀ(V − KW) per batch, nothing carried but W.</summary>
    Memit,
    /// <summary>AlphaEdit: MEMIT's solve projected onto the null space of the key covariance, with a cache of earlier keys.</summary>
    AlphaEdit,
    /// <summary>Fine-tuning of the edited matrices by projected gradient descent on the batch's key/value loss.</summary>
    FineTune,
}

/// <summary>Parses editor names as the CLI spells them.</summary>
public static class EditorKinds
{
    /// <summary>The accepted names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["rlsedit", "memit", "alphaedit", "ft"];

    /// <summary>The editor named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="EditInputException">The name is not one of <see cref="Names"/>.</exception>
    public static EditorKind Parse(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "rlsedit" or "rls" => EditorKind.RlsEdit,
        "memit" => EditorKind.Memit,
        "alphaedit" => EditorKind.AlphaEdit,
        "ft" or "finetune" or "fine-tune" => EditorKind.FineTune,
        _ => throw new EditInputException("--editor", $"one of {string.Join(", ", Names)}", $"'{name}'"),
    };

    /// <summary>The CLI name of <paramref name="kind"/>.</summary>
    public static string Name(this EditorKind kind) => Names[(int)kind];
}
