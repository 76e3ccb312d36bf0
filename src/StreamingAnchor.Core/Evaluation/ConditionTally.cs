namespace StreamingAnchor.Evaluation;

/// <summary>The events of the streams made under one condition's value, and how many of them were hit.</summary>
public sealed record ConditionTally(string Condition, string Value, int Events, int Hits)
{
    public int Misses => Events - Hits;

    /// <summary>Misses over events (0 when there are none).</summary>
    public double Frr => Events == 0 ? 0 : (double)Misses / Events;

    /// <summary>
    /// Tallies of the streams' events by condition, <paramref name="hits"/> aligned with <paramref name="traces"/>: one
    /// per (condition, value) that has events, conditions in <see cref="StreamConditions.Names"/>' order. A stream whose
    /// condition lists several values (comma separated) counts under each, so such a condition's rows can sum to more
    /// events than there are.
    /// </summary>
    public static IReadOnlyList<ConditionTally> Of(IReadOnlyList<PosteriorTrace> traces, IReadOnlyList<int> hits)
    {
        var rank = StreamConditions.Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        // A value listing several (two voices saying a stream's keywords) counts the stream under each of them.
        return traces.SelectMany((t, i) => t.Conditions.SelectMany(c => c.Value.Split(',').Select(v => (c.Key, Value: v, t.Events.Count, Hits: hits[i]))))
            .Where(x => x.Count > 0)
            .GroupBy(x => (x.Key, x.Value))
            .OrderBy(g => rank.GetValueOrDefault(g.Key.Key, int.MaxValue)).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .ThenBy(g => StreamConditions.OrderOf(g.Key.Key, g.Key.Value), StringComparer.Ordinal)
            .Select(g => new ConditionTally(g.Key.Key, g.Key.Value, g.Sum(x => x.Count), g.Sum(x => x.Hits)))
            .ToList();
    }
}
