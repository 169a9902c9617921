namespace RlsEdit.Numerics;

/// <summary>Health of the stored inverse C_t after many subtractive updates.</summary>
/// <param name="LambdaMinEstimate">1/λ_max(C_t) by power iteration: an estimate (from above) of λ_min(H_t).</param>
/// <param name="MinDiagonal">min_i C_t[i, i]; it must stay positive for C_t to be positive definite.</param>
/// <param name="InverseError">‖H_t C_t − I‖_F / √d_k when H_t is tracked, otherwise null.</param>
public sealed record NumericalHealth(double LambdaMinEstimate, double MinDiagonal, double? InverseError);
