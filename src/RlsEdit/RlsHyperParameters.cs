namespace RlsEdit;

/// <summary>
/// The effective regularisation weights of the RLSEdit objective
/// J_t(W) = Σ_{i≤t} ‖K_i W − V_i‖²_F + α‖W − W₀‖²_F + β‖K₀W − V₀‖²_F.
/// </summary>
/// <param name="Alpha">α ≥ 0, the weight of the parameter-deviation term ‖W − W₀‖².</param>
/// <param name="Beta">β ≥ 0, the weight of the anchor term ‖K₀W − V₀‖².</param>
public readonly record struct RlsHyperParameters(double Alpha, double Beta)
{
    /// <summary>
    /// Maps the reference code's hyper-parameters to (α, β). The code builds C₀ = (λ²I + μ²·w·E[kkᵀ])⁻¹, i.e. it
    /// uses the squared weights and replaces K₀ᵀK₀ by w times the per-token second moment, so α = λ² and β = μ²·w
    /// when the anchor keys are given as a second-moment matrix (see <see cref="Anchor{T}.FromSecondMoment"/>).
    /// </summary>
    /// <param name="lambdaReg"><c>lambda_reg</c> (λ).</param>
    /// <param name="muReg"><c>mu_reg</c> (μ).</param>
    /// <param name="mom2UpdateWeight"><c>mom2_update_weight</c> (w, e.g. 15000 for Llama-3-8B).</param>
    public static RlsHyperParameters FromReferenceCode(double lambdaReg, double muReg, double mom2UpdateWeight)
    {
        if (!double.IsFinite(lambdaReg) || !double.IsFinite(muReg) || !double.IsFinite(mom2UpdateWeight) || mom2UpdateWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(mom2UpdateWeight),
                $"RlsHyperParameters.FromReferenceCode: λ, μ must be finite and w finite and ≥ 0 (got λ = {lambdaReg}, μ = {muReg}, w = {mom2UpdateWeight}).");
        return new RlsHyperParameters(lambdaReg * lambdaReg, muReg * muReg * mom2UpdateWeight);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless α and β are finite and ≥ 0.</summary>
    public void Validate(string operation)
    {
        if (!(Alpha >= 0) || !double.IsFinite(Alpha))
            throw new ArgumentOutOfRangeException(nameof(Alpha), $"{operation}: α must be finite and ≥ 0 (got {Alpha}).");
        if (!(Beta >= 0) || !double.IsFinite(Beta))
            throw new ArgumentOutOfRangeException(nameof(Beta), $"{operation}: β must be finite and ≥ 0 (got {Beta}).");
    }
}
