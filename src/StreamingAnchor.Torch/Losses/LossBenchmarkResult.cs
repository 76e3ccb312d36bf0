namespace StreamingAnchor.Losses;

/// <summary>
/// One row of a loss benchmark: the median and 10th/90th percentile wall time of forward + backward of one loss on
/// one shape, and its median (and 10th percentile) divided by that of "ce" on the same shape in the same run. On a
/// loaded machine the 10th percentile ratio is the steadier one: it compares the runs that were least interrupted.
/// </summary>
public sealed record LossBenchmarkResult(string Shape, string Name, double MedianMicroseconds, double P10Microseconds,
    double P90Microseconds, double RatioToCe, double P10RatioToCe);
