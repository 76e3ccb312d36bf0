namespace StreamingAnchor.Evaluation;

/// <summary>
/// Exact evaluation of posterior traces: every threshold replays the same smoothing, threshold and refractory logic as
/// <see cref="StreamingDetector"/>, then matches detections to events.
/// </summary>
public static class DetectionEvaluator
{
    /// <summary>Detections of one trace at one threshold, exactly what a <see cref="StreamingDetector"/> would emit.</summary>
    public static List<Detection> Detect(PosteriorTrace trace, DetectorConfig detector, double threshold) =>
        DetectionTrigger.Run(PosteriorSmoother.SmoothTrace(trace.Posteriors, trace.Classes, detector.SmoothingFrames),
            trace.Classes, threshold, detector);

    /// <summary>Performance of the detector at one threshold.</summary>
    public static OperatingPoint Evaluate(IReadOnlyList<PosteriorTrace> traces, EvaluationConfig config, double threshold)
    {
        var smoothed = Smooth(traces, config.Detector);
        return EvaluateSmoothed(traces, smoothed, config, threshold);
    }

    /// <summary>The full evaluation: sweep, operating points, EER and frame metrics.</summary>
    public static EvaluationResult Run(IReadOnlyList<PosteriorTrace> traces, EvaluationConfig config)
    {
        if (traces.Count == 0)
        {
            throw new ArgumentException("nothing to evaluate: no streams");
        }
        config.Detector.Validate();
        config.Match.Validate();
        var smoothed = Smooth(traces, config.Detector);
        var thresholds = (config.Thresholds ?? EvaluationConfig.DefaultThresholds).Distinct().OrderBy(t => t).ToArray();
        var curve = thresholds.Select(t => EvaluateSmoothed(traces, smoothed, config, t)).ToList();
        if (config.Thresholds is null)
        {
            OperatingPoint At(double threshold) => EvaluateSmoothed(traces, smoothed, config, threshold);
            var nearMissesMarked = traces.Any(t => t.NearMisses.Count > 0);
            foreach (var target in config.FaPerHourTargets)
            {
                Refine(curve, target, p => p.FaPerHour, At, config.RefineSteps);
                if (nearMissesMarked)
                {
                    Refine(curve, target, p => p.OtherFaPerHour, At, config.RefineSteps);
                }
            }
        }
        var atThreshold = EvaluateSmoothed(traces, smoothed, config, config.Detector.Threshold);
        var targets = config.FaPerHourTargets.Select(target => new TargetOperatingPoint(target, BestUnder(curve, target))).ToList();
        var tally = traces.Any(t => t.Conditions.Count > 0);
        TargetOperatingPoint Tallied(TargetOperatingPoint t)
        {
            var tallied = EvaluateSmoothed(traces, smoothed, config, t.Point.Threshold, byCondition: true);
            return t with { Point = t.Point with { ByCondition = tallied.ByCondition, VoiceInterval = tallied.VoiceInterval } };
        }
        if (tally)
        {
            targets = targets.Select(Tallied).ToList();
        }
        var frame = traces.All(t => t.FrameTargets is not null)
            ? FrameLevel(traces, smoothed, config.Detector.Threshold)
            : null;
        var other = traces.Any(t => t.NearMisses.Count > 0)
            ? config.FaPerHourTargets.Select(target => new TargetOperatingPoint(target, BestUnder(curve, target, p => p.OtherFaPerHour)))
                .Select(t => tally ? Tallied(t) : t).ToList()
            : null;
        return new EvaluationResult(curve, atThreshold, targets, EqualErrorRate(curve), frame) { OtherTargets = other };
    }

    /// <summary>
    /// Splits the threshold step where <paramref name="faPerHourOf"/> crosses <paramref name="target"/> in half,
    /// <paramref name="steps"/> times, adding each midpoint to <paramref name="curve"/> (kept in threshold order).
    /// False alarms fall as the threshold rises, so the crossing is the last point above the budget and the next one.
    /// </summary>
    private static void Refine(List<OperatingPoint> curve, double target, Func<OperatingPoint, double> faPerHourOf,
        Func<double, OperatingPoint> evaluate, int steps)
    {
        for (var step = 0; step < steps; step++)
        {
            var above = curve.FindLastIndex(p => faPerHourOf(p) > target + 1e-12);
            if (above < 0 || above == curve.Count - 1)
            {
                return;
            }
            var (low, high) = (curve[above].Threshold, curve[above + 1].Threshold);
            var middle = low + (high - low) / 2;
            if (middle <= low || middle >= high)
            {
                return; // the step is down to the resolution of a double
            }
            curve.Insert(above + 1, evaluate(middle));
        }
    }

    /// <summary>Lowest FRR among points within the false-alarm budget (fewest false alarms on ties).</summary>
    /// <param name="faPerHourOf">Which false alarms count against the budget (default: all of them).</param>
    public static OperatingPoint BestUnder(IReadOnlyList<OperatingPoint> curve, double faPerHour, Func<OperatingPoint, double>? faPerHourOf = null)
    {
        faPerHourOf ??= p => p.FaPerHour;
        var admissible = curve.Where(p => faPerHourOf(p) <= faPerHour + 1e-12).ToList();
        if (admissible.Count == 0)
        {
            var top = curve.OrderByDescending(p => p.Threshold).First();
            var empty = LatencyStats.From([]);
            return top with
            {
                Threshold = double.PositiveInfinity, Hits = 0, FalseAlarms = 0, Ignored = 0, StreamsWithFalseAlarm = 0, Latency = empty, Latencies = [],
                NearMissAlarms = 0, NearMissesFired = 0, NearMissesByKind = top.NearMissesByKind.Select(k => k with { Fired = 0 }).ToList(),
            };
        }
        return admissible.OrderBy(p => p.Frr).ThenBy(p => p.FalseAlarms).ThenBy(p => p.Threshold).First();
    }

    /// <summary>
    /// Where event FRR meets the share of streams with a false alarm: FRR rises and the false-alarm share falls with the
    /// threshold, so the crossing is interpolated linearly between the two sweep points around it.
    /// </summary>
    public static double EqualErrorRate(IReadOnlyList<OperatingPoint> curve)
    {
        if (curve.Count == 0 || curve[0].Events == 0)
        {
            return double.NaN;
        }
        var prev = curve[0];
        var prevDiff = prev.Frr - prev.ClipFalseAlarmRate;
        if (prevDiff >= 0)
        {
            return (prev.Frr + prev.ClipFalseAlarmRate) / 2;
        }
        foreach (var p in curve.Skip(1))
        {
            var diff = p.Frr - p.ClipFalseAlarmRate;
            if (diff >= 0)
            {
                var w = -prevDiff / (diff - prevDiff);
                return prev.Frr + w * (p.Frr - prev.Frr);
            }
            prev = p;
            prevDiff = diff;
        }
        return (prev.Frr + prev.ClipFalseAlarmRate) / 2;
    }

    private static double[][] Smooth(IReadOnlyList<PosteriorTrace> traces, DetectorConfig detector)
    {
        var smoothed = new double[traces.Count][];
        for (var i = 0; i < traces.Count; i++)
        {
            traces[i].Validate();
            smoothed[i] = PosteriorSmoother.SmoothTrace(traces[i].Posteriors, traces[i].Classes, detector.SmoothingFrames);
        }
        return smoothed;
    }

    /// <param name="byCondition">Also tally events and hits per stream condition (<see cref="OperatingPoint.ByCondition"/>)
    /// and the FRR's interval over the keyword voices (<see cref="OperatingPoint.VoiceInterval"/>): asked for at the
    /// reported targets only, not at every threshold of the sweep.</param>
    private static OperatingPoint EvaluateSmoothed(IReadOnlyList<PosteriorTrace> traces, double[][] smoothed, EvaluationConfig config, double threshold,
        bool byCondition = false)
    {
        var hitsPerTrace = byCondition ? new int[traces.Count] : null;
        var eventsPerTrace = byCondition ? new int[traces.Count] : null;
        int events = 0, hits = 0, falseAlarms = 0, ignored = 0, streamsWithFa = 0, nearMissAlarms = 0, nearMisses = 0, nearMissesFired = 0;
        double seconds = 0;
        var latencies = new List<double>();
        var byKind = new List<IReadOnlyList<NearMissTally>>();
        for (var i = 0; i < traces.Count; i++)
        {
            var detections = DetectionTrigger.Run(smoothed[i], traces[i].Classes, threshold, config.Detector);
            var m = DetectionMatcher.Match(detections, traces[i].Events, config.Match, traces[i].NearMisses);
            nearMissAlarms += m.NearMissAlarms;
            nearMisses += m.NearMisses;
            nearMissesFired += m.NearMissesFired;
            byKind.Add(m.NearMissesByKind);
            events += m.Events;
            hits += m.Hits;
            if (hitsPerTrace is not null && eventsPerTrace is not null)
            {
                hitsPerTrace[i] = m.Hits;
                eventsPerTrace[i] = m.Events;
            }
            falseAlarms += m.FalseAlarms;
            ignored += m.Ignored;
            streamsWithFa += m.FalseAlarms > 0 ? 1 : 0;
            latencies.AddRange(m.Latencies);
            seconds += traces[i].DurationSeconds;
        }
        return new OperatingPoint(threshold, events, hits, falseAlarms, ignored, seconds / 3600.0, traces.Count, streamsWithFa,
            LatencyStats.From(latencies))
        {
            Latencies = latencies,
            NearMissAlarms = nearMissAlarms,
            NearMisses = nearMisses,
            NearMissesFired = nearMissesFired,
            NearMissesByKind = NearMissTally.Sum(byKind),
            ByCondition = hitsPerTrace is null ? [] : ConditionTally.Of(traces, hitsPerTrace),
            VoiceInterval = hitsPerTrace is null || eventsPerTrace is null ? null
                : FrrInterval.OverGroups(traces.Select(t => t.Conditions.GetValueOrDefault(StreamConditions.Voice)).ToList(), eventsPerTrace, hitsPerTrace),
        };
    }

    private static FrameMetrics FrameLevel(IReadOnlyList<PosteriorTrace> traces, double[][] smoothed, double threshold)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (var i = 0; i < traces.Count; i++)
        {
            var k = traces[i].Classes;
            var targets = traces[i].FrameTargets!;
            for (var t = 0; t < targets.Length; t++)
            {
                var predicted = false;
                for (var c = 0; c < k; c++)
                {
                    predicted |= smoothed[i][t * k + c] >= threshold;
                }
                var actual = targets[t] > 0;
                if (predicted && actual) tp++;
                else if (predicted) fp++;
                else if (actual) fn++;
                else tn++;
            }
        }
        return new FrameMetrics(threshold, tp + fp + fn + tn, tp, fp, fn, tn);
    }
}
