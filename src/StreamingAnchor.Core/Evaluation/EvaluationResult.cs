namespace StreamingAnchor.Evaluation;

/// <summary>
/// A streaming evaluation: the DET sweep (ascending thresholds), the point at the configured threshold, the points at
/// the false-alarm targets, the EER (event FRR = share of streams with a false alarm, interpolated; NaN when the test
/// set has no events) and frame metrics when frame targets were given.
/// </summary>
public sealed record EvaluationResult(
    IReadOnlyList<OperatingPoint> Curve,
    OperatingPoint AtThreshold,
    IReadOnlyList<TargetOperatingPoint> Targets,
    double Eer,
    FrameMetrics? Frame);
