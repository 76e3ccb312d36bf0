namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Everything chosen for one stream before synthesis. Layout (gaps, offsets), effect settings and noise offsets are
/// drawn at render time from <see cref="Seed"/>, after the speech lengths are known.
/// </summary>
public sealed record ClipPlan(
    int Index,
    string Id,
    string Split,
    int Seed,
    string ClipType,
    double TargetSeconds,
    IReadOnlyList<PlannedItem> Items,
    NoisePlan Noise,
    MotionProfile? Motion)
{
    /// <summary>Room, channel, level, babble, adjacent and overlapping talk (<see cref="AcousticPlanner"/>).</summary>
    public AcousticPlan Acoustics { get; init; } = AcousticPlan.Dry;
}
