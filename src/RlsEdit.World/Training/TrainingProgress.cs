namespace RlsEdit.World.Training;

/// <summary>One step's report.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps of the run.</param>
/// <param name="Loss">Mean next-token loss of the step's batch (nats).</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="TokensPerSecond">Trained tokens per second over the run so far (this process).</param>
/// <param name="Checkpointed">Whether a checkpoint was written after this step.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double LearningRate, double TokensPerSecond, bool Checkpointed);

/// <summary>The outcome of a training run.</summary>
/// <param name="Steps">Steps completed.</param>
/// <param name="ResumedFromStep">Step the run resumed from (0 for a fresh run).</param>
/// <param name="FirstLoss">Loss of the first step this process ran.</param>
/// <param name="FinalLoss">Mean loss over the last (up to) 20 steps.</param>
/// <param name="Seconds">Wall time of this process's steps.</param>
/// <param name="TokensPerSecond">Trained (target) tokens per second in this process.</param>
public sealed record TrainingResult(int Steps, int ResumedFromStep, double FirstLoss, double FinalLoss, double Seconds, double TokensPerSecond);
