namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>One training run of a grid; its folder name is unique within the grid.</summary>
public sealed record ExperimentCell(string Model, string Loss, int Seed, string? SweepParameter = null, double? SweepValue = null)
{
    public string Name => SweepValue is { } v
        ? $"{Model}-{Loss}-{SweepParameter}{ExperimentSweep.Format(v)}-s{Seed}"
        : $"{Model}-{Loss}-s{Seed}";
}
