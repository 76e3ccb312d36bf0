namespace StreamingAnchor.Training;

/// <summary>Linear warm-up to the peak rate, then a cosine decay to <c>peak * minRatio</c> at the last step.</summary>
public sealed record LearningRateSchedule(double Peak, long TotalSteps, long WarmupSteps, double MinRatio)
{
    /// <summary>Learning rate for optimiser step <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps)
        {
            return Peak * (step + 1) / WarmupSteps;
        }
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var floor = Peak * MinRatio;
        return floor + (Peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
