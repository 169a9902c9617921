using RlsEdit.Theory;

namespace RlsEdit;

/// <summary>What one edit step did to the weight, measured on the step's own keys and values.</summary>
/// <param name="Step">1-based index t of the step.</param>
/// <param name="Rows">u_t, the number of key/value rows in the step.</param>
/// <param name="DeltaNorm">‖W_t − W_{t−1}‖_F.</param>
/// <param name="ResidualBefore">‖K_t W_{t−1} − V_t‖_F, the raw innovation.</param>
/// <param name="ResidualAfter">‖K_t W_t − V_t‖_F.</param>
/// <param name="InnovationNorm">
/// The whitened innovation ‖S_t^{−1/2}(V_t − K_t W_{t−1})‖_F with S_t = I + K_t C_{t−1} K_tᵀ; for the exact recursion its
/// square is the increase J_t(W_t) − J_{t−1}(W_{t−1}) of the minimal objective. MEMIT uses S = I + K(w·Cov)⁻¹Kᵀ; the
/// fine-tuning and AlphaEdit baselines, which have no such S, report the raw innovation.
/// </param>
/// <param name="Elapsed">Wall-clock time of the update (not of the optional diagnostics).</param>
/// <param name="Bounds">The deviation bounds after this step when bound tracking is on; otherwise empty.</param>
public sealed record EditStepReport(
    int Step,
    int Rows,
    double DeltaNorm,
    double ResidualBefore,
    double ResidualAfter,
    double InnovationNorm,
    TimeSpan Elapsed,
    IReadOnlyList<BoundCheck> Bounds);
