namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>Groups cell results by model, loss and sweep value and compares every group with CE of the same model.</summary>
public static class ExperimentAggregator
{
    public static IReadOnlyList<AggregateRow> Aggregate(IReadOnlyList<CellResult> cells)
    {
        var groups = cells
            .GroupBy(c => (c.Model, c.Loss, c.SweepParameter, c.SweepValue))
            .Select(g => (g.Key, Rows: g.OrderBy(c => c.Seed).ToList()))
            .ToList();
        var stats = groups.Select(g => (g.Key, g.Rows,
            Frr: MetricStats.Of(g.Rows.Select(c => c.Frr)),
            Median: MetricStats.Of(g.Rows.Select(c => c.LatencyMedian)),
            P90: MetricStats.Of(g.Rows.Select(c => c.LatencyP90)),
            Acc: MetricStats.Of(g.Rows.Select(c => c.FrameAccuracy)),
            Eer: MetricStats.Of(g.Rows.Select(c => c.Eer)))).ToList();
        var result = new List<AggregateRow>();
        foreach (var s in stats)
        {
            // CE has no swept parameter, so its single row is the reference of every sweep value.
            var ce = stats.FirstOrDefault(x => x.Key.Model == s.Key.Model && x.Key.Loss == "ce");
            var hasCe = ce.Rows is not null;
            result.Add(new AggregateRow(s.Key.Model, s.Key.Loss, s.Key.SweepParameter, s.Key.SweepValue, s.Rows.Count,
                s.Frr, s.Median, s.P90, s.Acc, s.Eer,
                hasCe ? s.Frr.RelativeTo(ce.Frr) : double.NaN,
                hasCe ? s.Median.RelativeTo(ce.Median) : double.NaN,
                hasCe ? s.Acc.RelativeTo(ce.Acc) : double.NaN,
                s.Rows[0].Parameters));
        }
        return result;
    }
}
