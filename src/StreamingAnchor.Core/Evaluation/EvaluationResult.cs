namespace StreamingAnchor.Evaluation;

/// <summary>
/// A streaming evaluation: the DET sweep (ascending thresholds), the point at the configured threshold, the points at
/// the false-alarm targets, the EER (event FRR = share of streams with a false alarm, interpolated; NaN when the test
/// set has no events) and frame metrics when frame targets were given. When the test set marks near misses of the
/// keyword, <see cref="OtherTargets"/> holds the points chosen by false alarms per hour outside them.
/// </summary>
public sealed record EvaluationResult(
    IReadOnlyList<OperatingPoint> Curve,
    OperatingPoint AtThreshold,
    IReadOnlyList<TargetOperatingPoint> Targets,
    double Eer,
    FrameMetrics? Frame)
{
    /// <summary>
    /// The false-alarm targets met by false alarms outside near-miss phrases (<see cref="OperatingPoint.OtherFaPerHour"/>),
    /// each point also saying how many near misses fired; null when no stream marks near misses.
    /// </summary>
    public IReadOnlyList<TargetOperatingPoint>? OtherTargets { get; init; }

    /// <summary>The operating point reported for a false-alarm budget (null if it was not among the targets).</summary>
    public OperatingPoint? TargetAt(double faPerHour) => Find(Targets, faPerHour);

    /// <summary>As <see cref="TargetAt"/>, counting false alarms outside near misses (null without marked near misses).</summary>
    public OperatingPoint? OtherTargetAt(double faPerHour) => OtherTargets is { } other ? Find(other, faPerHour) : null;

    /// <summary><see cref="TargetAt"/> or <see cref="OtherTargetAt"/>, by <paramref name="scope"/>.</summary>
    public OperatingPoint? PointAt(double faPerHour, FalseAlarmScope scope) =>
        scope == FalseAlarmScope.All ? TargetAt(faPerHour) : OtherTargetAt(faPerHour);

    private static OperatingPoint? Find(IReadOnlyList<TargetOperatingPoint> targets, double faPerHour) =>
        targets.FirstOrDefault(t => Math.Abs(t.FaPerHourTarget - faPerHour) < 1e-9)?.Point;
}
