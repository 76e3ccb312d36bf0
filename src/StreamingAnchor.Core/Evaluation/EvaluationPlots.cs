using System.Globalization;
using ScottPlot;

namespace StreamingAnchor.Evaluation;

/// <summary>The figures of an evaluation, each as PNG and SVG beside it, written atomically.</summary>
public static class EvaluationPlots
{
    private const int Width = 900;
    private const int Height = 600;

    /// <summary>FRR ticks of the probit axis, in percent.</summary>
    private static readonly double[] FrrTicks = [1, 2, 5, 10, 20, 40, 60, 80, 90, 95, 99];

    /// <summary>
    /// DET curves: false rejects on a probit scale against false alarms per hour on a log scale, one per named run,
    /// the target budgets marked and labelled, the test set's events and hours in the title. Zero false alarms cannot sit
    /// on a log axis, so that column is drawn at half of one false alarm's rate and labelled 0.
    /// </summary>
    public static void Det(string path, IReadOnlyList<(string Name, EvaluationResult Result)> runs, string falseAlarmLabel = "false alarms per hour")
    {
        var plot = new Plot();
        var hours = runs.Max(r => r.Result.AtThreshold.Hours);
        var targets = runs.SelectMany(r => r.Result.Targets.Select(t => t.FaPerHourTarget)).Distinct().Order().ToList();
        // Left of every budget line and of one false alarm's rate, so budgets below one false alarm stay in view.
        var floor = Math.Min(hours > 0 ? 0.5 / hours : 0.1, 0.5 * targets.DefaultIfEmpty(1).Min());
        var xMax = Math.Max(100, 10 * targets.DefaultIfEmpty(1).Max());
        foreach (var (name, result) in runs)
        {
            // One point per distinct false-alarm count: the best FRR reachable at that rate, as a step curve.
            var points = result.Curve
                .GroupBy(p => p.FalseAlarms)
                .Select(g => (X: Math.Max(g.First().FaPerHour, floor), Y: g.Min(p => p.Frr)))
                .Where(p => p.X <= xMax)
                .OrderBy(p => p.X)
                .ToArray();
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log10(p.X)).ToArray(), points.Select(p => ProbitOf(p.Y)).ToArray());
            scatter.LegendText = runs.Count > 1 ? $"{name} (EER {100 * result.Eer:0.#}%)" : $"EER {100 * result.Eer:0.#}%";
            scatter.MarkerSize = 4;
            scatter.LineWidth = 2;
            scatter.ConnectStyle = ConnectStyle.StepHorizontal;
        }
        var yTop = ProbitOf(0.995);
        foreach (var target in targets)
        {
            var line = plot.Add.VerticalLine(Math.Log10(target));
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.Gray;
            var label = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"{target:0.##}/h"), Math.Log10(target), yTop);
            label.LabelFontSize = 12;
            label.LabelFontColor = Colors.Gray;
        }

        var x = new ScottPlot.TickGenerators.NumericManual();
        x.AddMajor(Math.Log10(floor), "0");
        for (var decade = Math.Ceiling(Math.Log10(floor) + 0.15); decade <= Math.Log10(xMax) + 1e-9; decade++)
        {
            x.AddMajor(decade, Math.Pow(10, decade).ToString("0.###", CultureInfo.InvariantCulture));
        }
        plot.Axes.Bottom.TickGenerator = x;
        var y = new ScottPlot.TickGenerators.NumericManual();
        foreach (var tick in FrrTicks)
        {
            y.AddMajor(Probit.Of(tick / 100), tick.ToString(CultureInfo.InvariantCulture));
        }
        plot.Axes.Left.TickGenerator = y;
        plot.Axes.SetLimits(Math.Log10(floor) - 0.1, Math.Log10(xMax), ProbitOf(0.005), ProbitOf(0.999));

        var first = runs[0].Result.AtThreshold;
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"DET: {first.Events} events, {hours:0.##} h of test audio in {first.Streams} streams (1 false alarm = {(hours > 0 ? 1 / hours : 0):0.#}/h)"));
        plot.XLabel($"{falseAlarmLabel} (log scale)");
        plot.YLabel("false-reject rate, % (probit scale)");
        plot.ShowLegend(Alignment.LowerLeft);
        Save(plot, path);
    }

    /// <summary>
    /// Latency of the hits at each reported operating point of each run as cumulative distributions in milliseconds,
    /// the median of each marked and given in the legend.
    /// </summary>
    public static void Latency(string path, IReadOnlyList<(string Name, EvaluationResult Result)> runs)
    {
        var plot = new Plot();
        // One colour per run, one line pattern per budget, so runs and budgets read apart.
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        var palette = new ScottPlot.Palettes.Category10();
        var series = runs
            .SelectMany((r, ri) => r.Result.Targets.Select((t, ti) => (Label: $"{(runs.Count > 1 ? r.Name + " " : "")}@{t.FaPerHourTarget:0.##} FA/h",
                t.Point.Latencies, Color: palette.GetColor(ri), Pattern: patterns[ti % patterns.Length])))
            .Where(s => s.Latencies.Count > 0)
            .ToList();
        foreach (var (label, latencies, color, pattern) in series)
        {
            var ms = latencies.Select(l => 1000 * l).Order().ToArray();
            var share = Enumerable.Range(1, ms.Length).Select(i => 100.0 * i / ms.Length).ToArray();
            var median = ms.Length % 2 == 1 ? ms[ms.Length / 2] : (ms[ms.Length / 2 - 1] + ms[ms.Length / 2]) / 2;
            var cdf = plot.Add.Scatter(ms, share);
            cdf.ConnectStyle = ConnectStyle.StepHorizontal;
            cdf.MarkerSize = 0;
            cdf.LineWidth = 2;
            cdf.Color = color;
            cdf.LinePattern = pattern;
            cdf.LegendText = string.Create(CultureInfo.InvariantCulture, $"{label}: {ms.Length} hits, median {median:0} ms");
            var mark = plot.Add.Marker(median, 50);
            mark.Color = cdf.Color;
            mark.Size = 10;
            mark.Shape = MarkerShape.FilledCircle;
        }
        if (series.Count == 0)
        {
            plot.Add.Annotation("no hits at the reported operating points");
        }
        else
        {
            plot.ShowLegend(Alignment.LowerRight);
        }
        var zero = plot.Add.VerticalLine(0);
        zero.LinePattern = LinePattern.Dashed;
        zero.Color = Colors.Gray;
        var half = plot.Add.HorizontalLine(50);
        half.LinePattern = LinePattern.Dotted;
        half.Color = Colors.Gray;
        plot.Axes.SetLimitsY(0, 100);
        plot.Title("Detection latency: detection time minus anchor (dots: medians)");
        plot.XLabel("latency (ms)");
        plot.YLabel("hits detected by then (%)");
        Save(plot, path);
    }

    /// <summary>
    /// One stream: raw and smoothed posteriors over time, the threshold (and the budget it came from), the anchors and
    /// the detections; the run's name in the title.
    /// </summary>
    public static void Trace(string path, PosteriorTrace trace, DetectorConfig detector, double threshold, string? runName = null,
        string? thresholdSource = null)
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
        th.LegendText = string.Create(CultureInfo.InvariantCulture, $"threshold {EvaluationSummary.Threshold(threshold)}{(thresholdSource is null ? "" : $" ({thresholdSource})")}");
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
        plot.Title($"{(runName is null ? "" : runName + ": ")}stream {trace.Id} (red lines: anchors, shaded: events)");
        plot.XLabel("time (s)");
        plot.YLabel("posterior");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
    }

    /// <summary>The SVG written beside a figure's PNG.</summary>
    public static string SvgPathOf(string pngPath) => Path.ChangeExtension(pngPath, ".svg");

    private static double ProbitOf(double frr) => Probit.Of(Math.Clamp(frr, 0.005, 0.999));

    private static void Save(Plot plot, string path)
    {
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        AtomicFile.WriteAllText(SvgPathOf(path), SolidSvg(plot));
    }

    /// <summary>
    /// The SVG with every line drawn solid: Skia's SVG canvas has no dash effects, so it drew them solid anyway and
    /// printed "Unsupported path effect in addPaint." to the console once per dashed line, in the middle of the demo's
    /// output. The PNG keeps the patterns.
    /// </summary>
    private static string SolidSvg(Plot plot)
    {
        var lines = plot.GetPlottables().OfType<IHasLine>().Select(p => (Plottable: p, p.LineStyle.Pattern)).ToList();
        foreach (var line in lines)
        {
            line.Plottable.LineStyle.Pattern = LinePattern.Solid;
        }
        try
        {
            return plot.GetSvgXml(Width, Height);
        }
        finally
        {
            foreach (var line in lines)
            {
                line.Plottable.LineStyle.Pattern = line.Pattern;
            }
        }
    }
}
