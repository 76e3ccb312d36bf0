namespace StreamingAnchor.Evaluation;

/// <summary>
/// A percentile bootstrap interval of the FRR at one threshold, resampling groups of streams (the keyword's voices)
/// rather than single keywords: a test split says the keyword in a handful of voices, and which voices those are moves
/// its FRR far more than the count of keywords suggests, so keywords of one voice are not independent draws.
/// </summary>
/// <param name="Low">Lower end of the interval (FRR, 0-1).</param>
/// <param name="High">Upper end.</param>
/// <param name="Groups">Groups resampled (streams whose keywords two voices say form a group of their own).</param>
/// <param name="Level">Central share of the resampled FRRs the interval holds (0.9: the 5th to the 95th percentile).</param>
public sealed record FrrInterval(double Low, double High, int Groups, int Resamples, double Level)
{
    public const int DefaultResamples = 2000;
    public const double DefaultLevel = 0.9;

    /// <summary>
    /// The interval over <paramref name="groupOf"/>'s groups, each stream's events and hits aligned with it; streams
    /// without events do not count. Null when fewer than two groups have events, or when a stream with events has no
    /// group (the clusters would be wrong). Seeded: the same tallies give the same interval.
    /// </summary>
    public static FrrInterval? OverGroups(IReadOnlyList<string?> groupOf, IReadOnlyList<int> events, IReadOnlyList<int> hits,
        int resamples = DefaultResamples, double level = DefaultLevel, int seed = 1)
    {
        if (groupOf.Count != events.Count || events.Count != hits.Count)
        {
            throw new ArgumentException($"groups ({groupOf.Count}), events ({events.Count}) and hits ({hits.Count}) must align");
        }
        if (resamples < 1 || level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(resamples), $"need resamples >= 1 and a level in (0, 1), got {resamples} and {level}");
        }
        var totals = new Dictionary<string, (int Events, int Misses)>(StringComparer.Ordinal);
        for (var i = 0; i < groupOf.Count; i++)
        {
            if (events[i] == 0)
            {
                continue;
            }
            if (groupOf[i] is not { } group)
            {
                return null;
            }
            var (e, m) = totals.GetValueOrDefault(group);
            totals[group] = (e + events[i], m + events[i] - hits[i]);
        }
        if (totals.Count < 2)
        {
            return null;
        }
        // Ordinal order, so the draws do not depend on the order the streams came in.
        var tallies = totals.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToArray();
        var rng = new Random(seed);
        var frrs = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            long sumEvents = 0, sumMisses = 0;
            for (var k = 0; k < tallies.Length; k++)
            {
                var (e, m) = tallies[rng.Next(tallies.Length)];
                sumEvents += e;
                sumMisses += m;
            }
            frrs[b] = (double)sumMisses / sumEvents;
        }
        Array.Sort(frrs);
        var tail = (1 - level) / 2;
        return new FrrInterval(Percentile(frrs, tail), Percentile(frrs, 1 - tail), tallies.Length, resamples, level);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
