namespace StreamingAnchor.Evaluation;

/// <summary>Detection latency of the hits (detection time minus anchor), seconds; NaN when there are no hits.</summary>
public sealed record LatencyStats(int Count, double Mean, double Median, double P90)
{
    public static LatencyStats From(IEnumerable<double> latencies)
    {
        var sorted = latencies.OrderBy(x => x).ToArray();
        if (sorted.Length == 0)
        {
            return new LatencyStats(0, double.NaN, double.NaN, double.NaN);
        }
        return new LatencyStats(sorted.Length, sorted.Average(), Percentile(sorted, 0.5), Percentile(sorted, 0.9));
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default), on an ascending array.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
