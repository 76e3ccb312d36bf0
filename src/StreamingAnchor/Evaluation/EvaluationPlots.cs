using ScottPlot;

namespace StreamingAnchor.Evaluation;

/// <summary>PNG figures of an evaluation, each written atomically.</summary>
public static class EvaluationPlots
{
    private const int Width = 900;
    private const int Height = 600;

    /// <summary>
    /// DET curves (false-reject rate against false alarms per hour), one per named run. The x range stops at a few
    /// times the largest target so the region that matters is readable; points beyond it are clipped.
    /// </summary>
    public static void Det(string path, IReadOnlyList<(string Name, EvaluationResult Result)> runs, string falseAlarmLabel = "false alarms per hour")
    {
        var plot = new Plot();
        var xMax = 0.0;
        foreach (var (name, result) in runs)
        {
            // One point per distinct false-alarm count: the best FRR reachable at that rate, as a step curve.
            var points = result.Curve
                .GroupBy(p => p.FalseAlarms)
                .Select(g => (X: g.First().FaPerHour, Y: 100 * g.Min(p => p.Frr)))
                .OrderBy(p => p.X)
                .ToArray();
            var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            scatter.LegendText = name;
            scatter.MarkerSize = 4;
            scatter.LineWidth = 2;
            scatter.ConnectStyle = ConnectStyle.StepHorizontal;
            xMax = Math.Max(xMax, result.Targets.Count == 0 ? 1 : result.Targets.Max(t => t.FaPerHourTarget));
        }
        foreach (var target in runs.SelectMany(r => r.Result.Targets.Select(t => t.FaPerHourTarget)).Distinct())
        {
            var line = plot.Add.VerticalLine(target);
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.Gray;
        }
        plot.Axes.SetLimits(0, xMax * 4, 0, 100);
        plot.Title("DET curve");
        plot.XLabel(falseAlarmLabel);
        plot.YLabel("false-reject rate (%)");
        if (runs.Count > 1)
        {
            plot.ShowLegend(Alignment.UpperRight);
        }
        Save(plot, path);
    }

    /// <summary>Histograms of hit latency (detection time minus anchor) at each reported operating point of each run.</summary>
    public static void Latency(string path, IReadOnlyList<(string Name, EvaluationResult Result)> runs)
    {
        var plot = new Plot();
        var series = runs
            .SelectMany(r => r.Result.Targets.Select(t => (Label: $"{(runs.Count > 1 ? r.Name + " " : "")}@{t.FaPerHourTarget:0.##} FA/h", t.Point.Latencies)))
            .Where(s => s.Latencies.Count > 0)
            .ToList();
        if (series.Count > 0)
        {
            var lo = Math.Floor(series.Min(s => s.Latencies.Min()) * 20) / 20;
            var hi = Math.Ceiling(series.Max(s => s.Latencies.Max()) * 20) / 20 + 0.05;
            var bins = Math.Max(1, (int)Math.Round((hi - lo) / 0.05));
            foreach (var (label, latencies) in series)
            {
                var counts = new double[bins];
                foreach (var x in latencies)
                {
                    counts[Math.Clamp((int)((x - lo) / 0.05), 0, bins - 1)]++;
                }
                var centres = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * 0.05).ToArray();
                var scatter = plot.Add.Scatter(centres, counts);
                scatter.ConnectStyle = ConnectStyle.StepHorizontal;
                scatter.LegendText = label;
                scatter.MarkerSize = 0;
                scatter.LineWidth = 2;
            }
            plot.ShowLegend(Alignment.UpperRight);
        }
        else
        {
            plot.Add.Annotation("no hits at the reported operating points");
        }
        var zero = plot.Add.VerticalLine(0);
        zero.LinePattern = LinePattern.Dashed;
        zero.Color = Colors.Gray;
        plot.Title("Detection latency (detection time minus anchor)");
        plot.XLabel("latency (s)");
        plot.YLabel("hits per 50 ms bin");
        Save(plot, path);
    }

    /// <summary>One stream: raw and smoothed posteriors over time, the threshold, the anchors and the detections.</summary>
    public static void Trace(string path, PosteriorTrace trace, DetectorConfig detector, double threshold)
    {
        var plot = new Plot();
        var k = trace.Classes;
        var smoothed = PosteriorSmoother.SmoothTrace(trace.Posteriors, k, detector.SmoothingFrames);
        var times = Enumerable.Range(0, trace.Frames).Select(t => detector.FrameEndTime(t)).ToArray();
        for (var c = 0; c < k; c++)
        {
            var raw = Enumerable.Range(0, trace.Frames).Select(t => (double)trace.Posteriors[t * k + c]).ToArray();
            var smooth = Enumerable.Range(0, trace.Frames).Select(t => smoothed[t * k + c]).ToArray();
            var r = plot.Add.Scatter(times, raw);
            r.MarkerSize = 0;
            r.LineWidth = 1;
            r.Color = r.Color.WithAlpha(0.35);
            r.LegendText = k > 1 ? $"class {c + 1} posterior" : "posterior";
            var s = plot.Add.Scatter(times, smooth);
            s.MarkerSize = 0;
            s.LineWidth = 2;
            s.LegendText = k > 1 ? $"class {c + 1} smoothed" : $"smoothed ({detector.SmoothingFrames} frames)";
        }
        var th = plot.Add.HorizontalLine(threshold);
        th.LinePattern = LinePattern.Dashed;
        th.Color = Colors.Gray;
        th.LegendText = $"threshold {threshold:0.###}";
        foreach (var e in trace.Events)
        {
            var span = plot.Add.HorizontalSpan(e.Start, e.End);
            span.FillColor = Colors.Orange.WithAlpha(0.15);
            span.LineColor = Colors.Transparent;
            var a = plot.Add.VerticalLine(e.Anchor);
            a.Color = Colors.Red;
            a.LineWidth = 2;
        }
        var detections = DetectionTrigger.Run(smoothed, k, threshold, detector);
        if (detections.Count > 0)
        {
            var marks = plot.Add.Scatter(detections.Select(d => d.Time).ToArray(), detections.Select(d => d.Score).ToArray());
            marks.LineWidth = 0;
            marks.MarkerSize = 10;
            marks.MarkerShape = MarkerShape.FilledTriangleDown;
            marks.Color = Colors.Black;
            marks.LegendText = "detections";
        }
        plot.Axes.SetLimits(0, Math.Max(trace.DurationSeconds, times.LastOrDefault()), -0.02, 1.05);
        plot.Title($"{trace.Id}: posterior over the stream (red lines: anchors, shaded: events)");
        plot.XLabel("time (s)");
        plot.YLabel("posterior");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
    }

    private static void Save(Plot plot, string path) =>
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
}
