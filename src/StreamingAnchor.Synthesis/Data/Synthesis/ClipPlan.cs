namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Everything chosen for one stream before synthesis. Layout (gaps, offsets), effect settings and noise offsets are
/// drawn at render time from <see cref="Seed"/>, after the speech lengths are known. <see cref="Long"/> is set for long
/// negative streams (<see cref="LongStreamPlanner"/>).
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
    MotionProfile? Motion,
    LongStream? Long = null)
{
    /// <summary>Room, channel, level, babble, adjacent and overlapping talk (<see cref="AcousticPlanner"/>).</summary>
    public AcousticPlan Acoustics { get; init; } = AcousticPlan.Dry;
}
