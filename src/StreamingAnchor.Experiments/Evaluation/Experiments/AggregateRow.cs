namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// One model x loss (x sweep value) over its seeds. Relative changes compare the means with the CE row of the same
/// model ((x - CE) / CE: negative is fewer misses or lower latency); NaN without a CE row or when CE's value is 0.
/// </summary>
public sealed record AggregateRow(
    string Model,
    string Loss,
    string? SweepParameter,
    double? SweepValue,
    int Seeds,
    MetricStats Frr,
    MetricStats LatencyMedian,
    MetricStats LatencyP90,
    MetricStats FrameAccuracy,
    MetricStats Eer,
    double FrrChangeVsCe,
    double LatencyChangeVsCe,
    double FrameAccuracyChangeVsCe,
    long Parameters);
