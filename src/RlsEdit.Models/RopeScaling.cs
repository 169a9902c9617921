namespace RlsEdit.Models;

/// <summary>
/// A <c>rope_scaling</c> entry of a Llama-family config: <c>linear</c> divides every frequency by
/// <paramref name="Factor"/>; <c>llama3</c> (Llama 3.1+) divides only the low frequencies, keeps the high ones, and
/// interpolates smoothly between <paramref name="LowFrequencyFactor"/> and <paramref name="HighFrequencyFactor"/>.
/// </summary>
/// <param name="Type">"linear" or "llama3".</param>
/// <param name="Factor">The context extension factor.</param>
/// <param name="LowFrequencyFactor">llama3: wavelengths above original/low are fully scaled.</param>
/// <param name="HighFrequencyFactor">llama3: wavelengths below original/high are kept.</param>
/// <param name="OriginalMaxPositions">llama3: the pre-training context length.</param>
public sealed record RopeScaling(string Type, double Factor, double LowFrequencyFactor = 1, double HighFrequencyFactor = 4, int OriginalMaxPositions = 8192)
{
    /// <summary>Rescales RoPE inverse frequencies in place, as Hugging Face's rope initialisation functions do.</summary>
    public void Apply(double[] inverseFrequency)
    {
        ArgumentNullException.ThrowIfNull(inverseFrequency);
        if (Type == "linear")
        {
            for (int i = 0; i < inverseFrequency.Length; i++) inverseFrequency[i] /= Factor;
            return;
        }
        double lowWavelength = OriginalMaxPositions / LowFrequencyFactor;
        double highWavelength = OriginalMaxPositions / HighFrequencyFactor;
        for (int i = 0; i < inverseFrequency.Length; i++)
        {
            double f = inverseFrequency[i];
            double wavelength = 2 * Math.PI / f;
            if (wavelength > lowWavelength)
            {
                inverseFrequency[i] = f / Factor;
            }
            else if (wavelength >= highWavelength)
            {
                double smooth = (OriginalMaxPositions / wavelength - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
                inverseFrequency[i] = (1 - smooth) * f / Factor + smooth * f;
            }
        }
    }
}
