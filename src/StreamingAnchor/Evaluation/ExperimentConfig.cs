using StreamingAnchor.Training;

namespace StreamingAnchor.Evaluation;

/// <summary>
/// A grid: every model x loss x seed (x sweep value) trained with the same data, budget and schedule from
/// <see cref="Base"/>, each evaluated on the test split at <see cref="FaPerHourTarget"/>.
/// </summary>
public sealed record ExperimentConfig
{
    public required TrainConfig Base { get; init; }

    public IReadOnlyList<string> Models { get; init; } = ["gru"];

    public IReadOnlyList<string> Losses { get; init; } = ["ce", "sal"];

    public int Seeds { get; init; } = 1;

    /// <summary>Loss option to sweep (tau, lambda, gamma) and its values; null for no sweep.</summary>
    public string? SweepParameter { get; init; }

    public IReadOnlyList<double> SweepValues { get; init; } = [];

    /// <summary>False alarms (false onsets) per hour at which FRR (miss rate) and latency are compared.</summary>
    public double FaPerHourTarget { get; init; } = 1.0;

    public void Validate()
    {
        Base.Validate();
        if (Models.Count == 0 || Losses.Count == 0 || Seeds < 1)
        {
            throw new ArgumentException("an experiment needs at least one model, one loss and one seed");
        }
        if (SweepParameter is { } p && p.ToLowerInvariant() is not ("tau" or "lambda" or "gamma"))
        {
            throw new ArgumentException($"cannot sweep '{p}' (expected tau, lambda or gamma)");
        }
        if (SweepParameter is not null && SweepValues.Count == 0)
        {
            throw new ArgumentException($"sweep of {SweepParameter} has no values");
        }
    }
}
