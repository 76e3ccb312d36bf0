using System.Globalization;
using ScottPlot;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// Sensitivity of a sweep: the mean metric over seeds against the swept value, one line per model x loss the
/// parameter changes; losses it does not change are drawn as dashed horizontal baselines. Positive values are placed
/// on a log2 axis (2, 4, 8, ... are evenly spaced).
/// </summary>
public static class SensitivityPlot
{
    public const string FrrFile = "sensitivity.png";
    public const string LatencyFile = "sensitivity-latency.png";

    public static void Write(string outDirectory, ExperimentResults results)
    {
        var c = results.Config;
        var frr = c.IsOnset ? "miss rate" : "FRR";
        var fa = c.IsOnset ? "false onsets/h" : "FA/h";
        var target = c.FaPerHour.ToString("0.##", CultureInfo.InvariantCulture);
        Write(Path.Combine(outDirectory, FrrFile), results, r => r.Frr, 100, $"{frr} at {target} {fa} (%)");
        Write(Path.Combine(outDirectory, LatencyFile), results, r => r.LatencyMedian, 1000, $"median latency at {target} {fa} (ms)");
    }

    public static void Write(string path, ExperimentResults results, Func<AggregateRow, MetricStats> metric, double scale, string yLabel)
    {
        var sweep = results.Config.Sweep ?? throw new InvalidOperationException("the grid has no sweep to plot");
        var values = sweep.Values.OrderBy(v => v).ToArray();
        var log = values.All(v => v > 0);
        double X(double v) => log ? Math.Log2(v) : v;
        var plot = new Plot();
        foreach (var group in results.Rows.Where(r => r.SweepValue is not null).GroupBy(r => (r.Model, r.Loss)))
        {
            var points = group.Where(r => double.IsFinite(metric(r).Mean)).OrderBy(r => r.SweepValue).ToArray();
            if (points.Length == 0)
            {
                continue;
            }
            var line = plot.Add.Scatter(points.Select(r => X(r.SweepValue!.Value)).ToArray(), points.Select(r => scale * metric(r).Mean).ToArray());
            line.LegendText = $"{group.Key.Model} {group.Key.Loss}";
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        foreach (var row in results.Rows.Where(r => r.SweepValue is null && double.IsFinite(metric(r).Mean)))
        {
            var baseline = plot.Add.HorizontalLine(scale * metric(row).Mean);
            baseline.LinePattern = LinePattern.Dashed;
            baseline.LegendText = $"{row.Model} {row.Loss} (not swept)";
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var v in values)
        {
            ticks.AddMajor(X(v), ExperimentSweep.Format(v));
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        var lo = X(values[0]);
        var hi = X(values[^1]);
        var pad = Math.Max(0.25, 0.05 * (hi - lo));
        plot.Axes.SetLimitsX(lo - pad, hi + pad);
        plot.Title($"Sensitivity to {sweep.Parameter} ({results.Config.Task.Name()}, mean over {results.Config.Seeds} seed{(results.Config.Seeds == 1 ? "" : "s")})");
        plot.XLabel(sweep.Parameter + (log ? " (log scale)" : ""));
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(900, 600, ImageFormat.Png));
    }
}
