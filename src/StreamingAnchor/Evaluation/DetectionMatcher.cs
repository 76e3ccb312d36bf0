using StreamingAnchor.Data;

namespace StreamingAnchor.Evaluation;

/// <summary>Matches detections to events (see <see cref="MatchConfig"/>).</summary>
public static class DetectionMatcher
{
    /// <summary>
    /// Detections are taken in time order; each goes to the earliest-anchored unhit event of its class whose window
    /// holds it (optimal for equal-width windows). A detection that finds none is a false alarm, including a second
    /// detection of an already hit event: a device that fires twice on one keyword wakes up twice.
    /// </summary>
    public static MatchResult Match(IReadOnlyList<Detection> detections, IReadOnlyList<EvalEvent> events, MatchConfig config)
    {
        var order = Enumerable.Range(0, events.Count).OrderBy(i => events[i].Anchor).ToArray();
        var hit = new bool[events.Count];
        var latencies = new List<double>();
        var falseAlarms = 0;
        var ignored = 0;
        foreach (var d in detections.OrderBy(d => d.Time))
        {
            var matched = -1;
            foreach (var i in order)
            {
                var e = events[i];
                if (!hit[i] && e.Label == d.Label
                    && d.Time >= e.Anchor - config.BeforeSeconds && d.Time <= e.Anchor + config.AfterSeconds)
                {
                    matched = i;
                    break;
                }
            }
            if (matched >= 0)
            {
                hit[matched] = true;
                latencies.Add(d.Time - events[matched].Anchor);
            }
            else if (config.IgnoreInsideEvents && events.Any(e =>
                         d.Time >= Math.Min(e.Start, e.Anchor - config.BeforeSeconds)
                         && d.Time <= Math.Max(e.End, e.Anchor) + config.AfterSeconds))
            {
                ignored++;
            }
            else
            {
                falseAlarms++;
            }
        }
        return new MatchResult(events.Count, hit.Count(h => h), falseAlarms, ignored, latencies);
    }
}
