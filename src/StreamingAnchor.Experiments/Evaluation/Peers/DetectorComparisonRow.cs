namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// One detector in a side-by-side table: its size, its single-thread CPU cost and its streaming evaluation on the
/// same test streams (for peers, pooled over the step-grid offsets).
/// </summary>
public sealed record DetectorComparisonRow(
    string Name,
    string Kind,
    long Parameters,
    long Bytes,
    double RealTimeFactor,
    int Streams,
    double Hours,
    EvaluationResult Result)
{
    /// <summary>The operating point reported for a false-alarm budget (null if it was not among the targets).</summary>
    public OperatingPoint? At(double faPerHour) => Result.TargetAt(faPerHour);
}
