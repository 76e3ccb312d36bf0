using StreamingAnchor.Losses;
using StreamingAnchor.Models;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// One training run of a grid; its folder name is unique within the grid. A positive value of a parameter that may be
/// negative (anchor-shift) carries its '+', so "anchor-shift+10" and "anchor-shift-10" read as the values they are.
/// </summary>
public sealed record ExperimentCell(ModelFamily Model, LossKind Loss, int Seed, string? SweepParameter = null, double? SweepValue = null)
{
    public string Name => SweepValue is { } v
        ? $"{Model.Name()}-{Loss.Name()}-{SweepParameter}{(v > 0 && ExperimentSweep.IsSigned(SweepParameter) ? "+" : "")}{ExperimentSweep.Format(v)}-s{Seed}"
        : $"{Model.Name()}-{Loss.Name()}-s{Seed}";
}
