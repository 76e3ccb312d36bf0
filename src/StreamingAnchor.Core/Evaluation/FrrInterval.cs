namespace StreamingAnchor.Evaluation;

/// <summary>The keywords of one group of streams (one keyword voice) and how many of them were missed.</summary>
public sealed record GroupTally(string Group, int Events, int Misses);

/// <summary>
/// A percentile bootstrap interval of the FRR at one threshold, resampling groups of streams (the keyword's voices)
/// rather than single keywords: a test split says the keyword in a handful of voices, and which voices those are moves
/// its FRR far more than the count of keywords suggests, so keywords of one voice are not independent draws.
/// </summary>
/// <param name="Low">Lower end of the interval (FRR, 0-1).</param>
/// <param name="High">Upper end.</param>
/// <param name="Level">Central share of the resampled FRRs the interval holds (0.9: the 5th to the 95th percentile).</param>
/// <param name="Tallies">The groups resampled, in name order (streams whose keywords two voices say form a group of
/// their own); kept so that two runs scored on the same streams can be compared voice for voice (<see cref="Difference"/>).</param>
public sealed record FrrInterval(double Low, double High, int Resamples, double Level, IReadOnlyList<GroupTally> Tallies)
{
    public const int DefaultResamples = 2000;
    public const double DefaultLevel = 0.9;

    /// <summary>Groups resampled.</summary>
    public int Groups => Tallies.Count;

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
        CheckSettings(resamples, level);
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
        // Name order, so the draws do not depend on the order the streams came in.
        var tallies = totals.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new GroupTally(kv.Key, kv.Value.Events, kv.Value.Misses)).ToList();
        var (low, high) = Bootstrap(tallies.Count, picks => Frr(tallies, picks), resamples, level, seed);
        return new FrrInterval(low, high, resamples, level, tallies);
    }

    /// <summary>
    /// How much <paramref name="other"/>'s FRR exceeds this one's (other minus this, 0-1), with a paired bootstrap
    /// interval: each resample draws the same voices for both runs, so what the two share (the split's choice of voices)
    /// cancels. Null unless both were scored on the same groups with the same keywords.
    /// </summary>
    public FrrDifference? Difference(FrrInterval other, int seed = 1)
    {
        if (other.Tallies.Count != Tallies.Count
            || Tallies.Zip(other.Tallies).Any(p => p.First.Group != p.Second.Group || p.First.Events != p.Second.Events))
        {
            return null;
        }
        var (low, high) = Bootstrap(Tallies.Count, picks => Frr(other.Tallies, picks) - Frr(Tallies, picks), Resamples, Level, seed);
        return new FrrDifference(Frr(other.Tallies, null) - Frr(Tallies, null), low, high, Level);
    }

    private static double Frr(IReadOnlyList<GroupTally> tallies, int[]? picks)
    {
        long events = 0, misses = 0;
        for (var k = 0; k < (picks?.Length ?? tallies.Count); k++)
        {
            var t = tallies[picks is null ? k : picks[k]];
            events += t.Events;
            misses += t.Misses;
        }
        return (double)misses / events;
    }

    private static (double Low, double High) Bootstrap(int groups, Func<int[], double> statistic, int resamples, double level, int seed)
    {
        var rng = new Random(seed);
        var values = new double[resamples];
        var picks = new int[groups];
        for (var b = 0; b < resamples; b++)
        {
            for (var k = 0; k < groups; k++)
            {
                picks[k] = rng.Next(groups);
            }
            values[b] = statistic(picks);
        }
        Array.Sort(values);
        var tail = (1 - level) / 2;
        return (Percentile(values, tail), Percentile(values, 1 - tail));
    }

    private static void CheckSettings(int resamples, double level)
    {
        if (resamples < 1 || level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(resamples), $"need resamples >= 1 and a level in (0, 1), got {resamples} and {level}");
        }
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>One run's FRR minus another's on the same streams (0-1; positive: the run misses more), with its paired interval.</summary>
public sealed record FrrDifference(double Difference, double Low, double High, double Level)
{
    /// <summary>In points with their signs, e.g. "+4.0 (-1.2 to +9.1)".</summary>
    public string ToPoints() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{100 * Difference:+0.0;-0.0;0.0} ({100 * Low:+0.0;-0.0;0.0} to {100 * High:+0.0;-0.0;0.0})");
}
