namespace RlsEdit.World.Training;

/// <summary>Everything that determines a training run; the same options give the same model.</summary>
public sealed record TrainingOptions
{
    /// <summary>Seed of the world, the corpus and the initial weights.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 6000;
    /// <summary>Documents per step.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int WarmupSteps { get; init; } = 50;
    /// <summary>Learning rate at the end of the cosine, as a fraction of the peak.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.1;
    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Global gradient-norm clip.</summary>
    public double ClipNorm { get; init; } = 1.0;
    /// <summary>Transformer blocks.</summary>
    public int Layers { get; init; } = 4;
    /// <summary>Residual width.</summary>
    public int Width { get; init; } = 128;
    /// <summary>MLP hidden width d_k (the edited keys' dimension); null: 4 × <see cref="Width"/>, as GPT-2.</summary>
    public int? MlpWidth { get; init; }
    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 4;
    /// <summary>Context length (positions).</summary>
    public int Context { get; init; } = 64;
    /// <summary>Steps between checkpoints (0: none).</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>
    /// A model folder (written by an earlier run on the same seed and architecture) to continue from instead of
    /// fresh weights; the optimizer starts with zero moments and this run's own warm-up and schedule.
    /// </summary>
    public string? InitialModel { get; init; }
    /// <summary>The world's size.</summary>
    public WorldOptions World { get; init; } = WorldOptions.Default;

    /// <summary>Learning rate at step <paramref name="step"/> (0-based): linear warm-up, then cosine to the final fraction.</summary>
    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        double progress = Steps <= WarmupSteps ? 1 : (double)(step - WarmupSteps) / (Steps - WarmupSteps);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
        return LearningRate * (FinalLearningRateFraction + (1 - FinalLearningRateFraction) * cosine);
    }

    internal void Validate()
    {
        if (Steps < 1 || BatchSize < 1 || Layers < 1 || Width < 1 || Heads < 1 || Width % Heads != 0 || Context < 16 || WarmupSteps < 1 || MlpWidth is < 1)
            throw new ArgumentException($"TrainingOptions: need steps, batch, layers, MLP width ≥ 1, warm-up ≥ 1, width divisible by heads and context ≥ 16 (got {this}).");
        if (!(LearningRate > 0) || WeightDecay < 0 || !(ClipNorm > 0) || FinalLearningRateFraction is < 0 or > 1)
            throw new ArgumentException($"TrainingOptions: need learning rate > 0, weight decay ≥ 0, clip > 0, final fraction in [0, 1] (got {this}).");
    }
}
