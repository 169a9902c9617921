namespace RlsEdit;

/// <summary>How an <see cref="RlsEditor{T}"/> runs and what it measures besides the update itself.</summary>
public sealed record RlsEditorOptions
{
    /// <summary>How C is carried between steps; <see cref="EditMode.Recursive"/> (the paper) by default.</summary>
    public EditMode Mode { get; init; } = EditMode.Recursive;

    /// <summary>
    /// Whether C_t = H_t⁻¹ or the Cholesky factor of H_t is stored (<see cref="CovarianceForm.Inverse"/> by default); ignored in
    /// <see cref="EditMode.Recompute"/>.
    /// </summary>
    public CovarianceForm Form { get; init; } = CovarianceForm.Inverse;

    /// <summary>
    /// Keep H_t and B_t beside C_t (O(d_k²) more memory, O(d_k²u) more work per step) so that
    /// <see cref="RlsEditor{T}.Refactor"/> and the inverse-error check of <see cref="RlsEditor{T}.CheckHealth"/> are available.
    /// Always on in <see cref="EditMode.Recompute"/>.
    /// </summary>
    public bool TrackInformation { get; init; }

    /// <summary>
    /// In <see cref="EditMode.Recursive"/>, replace C_t by a fresh H_t⁻¹ (Cholesky, O(d_k³)) every this many steps to wipe
    /// out accumulated rounding; 0 (the default) never does. Implies <see cref="TrackInformation"/>.
    /// </summary>
    public int RefactorEvery { get; init; }

    /// <summary>
    /// Evaluate the deviation bounds B1–B3 after every step and attach them to the step report. A diagnostic: it keeps
    /// its own float64 copy of H_t and costs O(d_k³) per step. Not available in <see cref="EditMode.Reset"/>, where W_t is
    /// not the minimiser of J_t.
    /// </summary>
    public bool TrackBounds { get; init; }
}
