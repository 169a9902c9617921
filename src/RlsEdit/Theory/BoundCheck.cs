namespace RlsEdit.Theory;

/// <summary>One evaluated inequality "<see cref="Value"/> ≤ <see cref="Bound"/>".</summary>
/// <param name="Name">Which bound (B1, B1-anchor, B2, B3); see docs/theory.md.</param>
/// <param name="Value">The measured left-hand side.</param>
/// <param name="Bound">The right-hand side.</param>
public sealed record BoundCheck(string Name, double Value, double Bound)
{
    /// <summary>Bound − Value: how much room is left; negative means the bound is violated.</summary>
    public double Slack => Bound - Value;

    /// <summary>Value / Bound: the tightness in [0, 1] when the bound holds.</summary>
    public double Ratio => Bound == 0 ? (Value == 0 ? 0 : double.PositiveInfinity) : Value / Bound;

    /// <summary>True when Value ≤ Bound·(1 + <paramref name="relativeTolerance"/>) — the tolerance absorbs rounding in both sides.</summary>
    public bool Holds(double relativeTolerance = 1e-9) => Value <= Bound * (1 + relativeTolerance);
}
