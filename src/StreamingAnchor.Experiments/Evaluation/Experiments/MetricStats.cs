namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// Mean and sample standard deviation (n - 1) of one metric over seeds; NaN values (a latency without hits) are
/// left out and counted in <see cref="Missing"/>. Std is NaN with fewer than two values.
/// </summary>
public sealed record MetricStats(double Mean, double Std, int Count, int Missing)
{
    public static MetricStats Of(IEnumerable<double> values)
    {
        var all = values.ToList();
        var xs = all.Where(double.IsFinite).ToArray();
        if (xs.Length == 0)
        {
            return new MetricStats(double.NaN, double.NaN, 0, all.Count);
        }
        var mean = xs.Average();
        var std = xs.Length < 2 ? double.NaN : Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1));
        return new MetricStats(mean, std, xs.Length, all.Count - xs.Length);
    }

    /// <summary>(mean - reference) / reference; NaN when either is missing or the reference is 0.</summary>
    public double RelativeTo(MetricStats reference) =>
        double.IsFinite(Mean) && double.IsFinite(reference.Mean) && reference.Mean != 0 ? (Mean - reference.Mean) / Math.Abs(reference.Mean) : double.NaN;
}
