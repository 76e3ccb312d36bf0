using StreamingAnchor.Data;

namespace StreamingAnchor.Evaluation;

/// <summary>Matches detections to events (see <see cref="MatchConfig"/>).</summary>
public static class DetectionMatcher
{
    /// <summary>
    /// Slack on every window edge, far below one sample (62.5 µs at 16 kHz): frame end times (0.025 + 0.01 f) and
    /// anchors are not exact in binary, so without it a detection exactly on an inclusive edge (e.g. 0.5 s before an
    /// anchor that lies on the frame grid) is sometimes a hit and sometimes a false alarm by rounding.
    /// </summary>
    public const double EdgeToleranceSeconds = 1e-9;

    /// <summary>
    /// Detections are taken in time order; each goes to the earliest-anchored unhit event of its class whose window
    /// holds it (optimal for equal-width windows). A detection that finds none is a false alarm, including a second
    /// detection of an already hit event: a device that fires twice on one keyword wakes up twice. A false alarm from
    /// the start of a near-miss phrase to <see cref="MatchConfig.AfterSeconds"/> after its end (the same slack a hit
    /// gets after its anchor) is also counted as a near-miss alarm, on the first such phrase; a phrase with such an
    /// alarm has fired, counted by kind too where the spans know theirs.
    /// </summary>
    public static MatchResult Match(IReadOnlyList<Detection> detections, IReadOnlyList<EvalEvent> events, MatchConfig config,
        IReadOnlyList<NearMissSpan>? nearMisses = null)
    {
        nearMisses ??= [];
        var fired = new bool[nearMisses.Count];
        var nearMissAlarms = 0;
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
                    && d.Time >= e.Anchor - config.BeforeSeconds - EdgeToleranceSeconds
                    && d.Time <= e.Anchor + config.AfterSeconds + EdgeToleranceSeconds)
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
                         d.Time >= Math.Min(e.Start, e.Anchor - config.BeforeSeconds) - EdgeToleranceSeconds
                         && d.Time <= Math.Max(e.End, e.Anchor) + config.AfterSeconds + EdgeToleranceSeconds))
            {
                ignored++;
            }
            else
            {
                falseAlarms++;
                for (var j = 0; j < nearMisses.Count; j++)
                {
                    if (d.Time >= nearMisses[j].Start - EdgeToleranceSeconds
                        && d.Time <= nearMisses[j].End + config.AfterSeconds + EdgeToleranceSeconds)
                    {
                        fired[j] = true;
                        nearMissAlarms++;
                        break;
                    }
                }
            }
        }
        return new MatchResult(events.Count, hit.Count(h => h), falseAlarms, ignored, latencies)
        {
            NearMissAlarms = nearMissAlarms,
            NearMisses = nearMisses.Count,
            NearMissesFired = fired.Count(f => f),
            NearMissesByKind = NearMissTally.Of(nearMisses, fired),
        };
    }
}
