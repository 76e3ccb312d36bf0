using System.Globalization;
using System.Text;
using StreamingAnchor.Training;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>The Markdown report of a grid (results.md, and what `sal experiment report` prints): setup, then one table.</summary>
public static class ExperimentReport
{
    public static string Markdown(ExperimentResults r, string? heading = null)
    {
        var c = r.Config;
        var d = r.Data;
        var fa = c.IsOnset ? "false onsets/h" : "FA/h";
        var frr = c.IsOnset ? "miss rate" : "FRR";
        var sb = new StringBuilder();
        var title = c.Sweep is { } sw ? $"Task `{c.Task.Name()}`: sensitivity to {sw.Parameter}" : $"Task `{c.Task.Name()}`";
        sb.Append(CultureInfo.InvariantCulture, $"### {heading ?? title}\n\n");
        var seeds = c.Seeds == 1 ? $"seed {c.FirstSeed}" : $"seeds {c.FirstSeed}-{c.FirstSeed + c.Seeds - 1}";
        sb.Append(CultureInfo.InvariantCulture,
            $"Models {string.Join(", ", c.Models.Select(m => m.Name()))} (preset `{c.Preset.Name()}`), losses {string.Join(", ", c.Losses.Select(l => l.Name()))}; {seeds}; budget {c.Budget}, batch {c.BatchSize}, peak lr {c.LearningRate:0.#####}");
        if (c.Hidden is { } width)
        {
            sb.Append(CultureInfo.InvariantCulture, $", width {width}");
        }
        if (c.Sampler is { } sampler)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $", balanced batches (positive {sampler.Positive:0.##}, confusable {sampler.Confusable:0.##}, speech {sampler.Speech:0.##}, background {sampler.Background:0.##})");
        }
        if (c.DevMetric != DevMetric.Eer)
        {
            sb.Append(CultureInfo.InvariantCulture, $", best epoch by dev {c.TrainConfigOf(c.Cells()[0]).DevMetricName}");
        }
        if (c.Ship == ShipEpoch.Last)
        {
            sb.Append(", the last epoch shipped");
        }
        if (c.EmaDecay is { } ema)
        {
            sb.Append(CultureInfo.InvariantCulture, $", weights averaged (ema decay {ema})");
        }
        if (c.Sweep is { } s)
        {
            sb.Append(CultureInfo.InvariantCulture, $"; sweep {s.Parameter} = {string.Join(", ", s.Values.Select(ExperimentSweep.Format))}");
        }
        sb.Append(".\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"Data `{Shown(d.Manifest)}`: train {d.TrainClips} clips ({60 * d.TrainHours:0.0} min), dev {d.DevClips} ({60 * d.DevHours:0.0} min), test {d.TestClips} ({60 * d.TestHours:0.0} min");
        var events = r.Cells.Select(x => x.Events).DefaultIfEmpty(0).Max();
        sb.Append(CultureInfo.InvariantCulture, $", {events} events).\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"{(r.Cells.Count == r.PlannedCells ? $"{r.Cells.Count} cells" : $"{r.Cells.Count} of {r.PlannedCells} cells finished")}, {r.ComputeSeconds / 60:0.0} min of training and evaluation in total on {r.Machine}.\n\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"{frr} and latency at the best threshold with at most {c.FaPerHour:0.##} {fa} on the test streams (`sal eval` rules); latency = detection time minus anchor; ");
        sb.Append("frame accuracy at the detector threshold; mean ± standard deviation over seeds; \"vs CE\" = (loss - CE) / CE of the same model (negative: fewer misses, earlier).\n\n");

        var sweep = c.Sweep?.Parameter;
        sb.Append("| model | loss |");
        if (sweep is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {sweep} |");
        }
        sb.Append(CultureInfo.InvariantCulture,
            $" seeds | {frr} @{c.FaPerHour:0.##} {fa} | {frr} vs CE | median latency | latency vs CE | p90 latency | frame accuracy | EER | params |\n");
        sb.Append("|---|---|");
        if (sweep is not null)
        {
            sb.Append("---|");
        }
        sb.Append("---|---|---|---|---|---|---|---|---|\n");
        foreach (var row in r.Rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {row.Model} | {row.Loss} |");
            if (sweep is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {(row.SweepValue is { } v ? ExperimentSweep.Format(v) : "-")} |");
            }
            sb.Append(CultureInfo.InvariantCulture,
                $" {row.Seeds} | {Pct(row.Frr)} | {Rel(row.FrrChangeVsCe)} | {Ms(row.LatencyMedian)} | {Rel(row.LatencyChangeVsCe)} | {Ms(row.LatencyP90)} | {Pct(row.FrameAccuracy)} | {Pct(row.Eer)} | {row.Parameters} |\n");
        }
        sb.Append('\n');
        NearMissTable(sb, r, frr, fa);
        return sb.ToString();
    }

    /// <summary>
    /// Per cell, the share of the test split's near misses that drew a false alarm at the cell's threshold, in all and
    /// by kind: what separates losses whose false alarms elsewhere tie (docs/results.md). Only when near misses are marked.
    /// </summary>
    private static void NearMissTable(StringBuilder sb, ExperimentResults r, string frr, string fa)
    {
        var cells = r.Cells.Where(x => x.NearMisses > 0).ToList();
        if (cells.Count == 0)
        {
            return;
        }
        var kinds = cells.SelectMany(x => x.NearMissesByKind).GroupBy(t => t.Kind).OrderBy(g => g.Key)
            .Select(g => (g.Key, Count: g.Max(t => t.NearMisses))).ToList();
        sb.Append(CultureInfo.InvariantCulture,
            $"Near misses that drew a false alarm at each cell's threshold ({frr} @{r.Config.FaPerHour:0.##} {fa}), of the {cells.Max(x => x.NearMisses)} the test split marks");
        sb.Append(kinds.Count > 0 ? ", in all and by kind (docs/data.md, \"near_miss_kind\"):\n\n" : ":\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"| cell | {frr} | {fa} on near misses | {fa} elsewhere | near misses fired |");
        foreach (var (kind, count) in kinds)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {kind.Name()} ({count}) |");
        }
        sb.Append("\n|---|---|---|---|---|").Append(string.Concat(kinds.Select(_ => "---|"))).Append('\n');
        foreach (var x in cells)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| {x.Name} | {100 * x.Frr:0.0}% | {x.NearMissFaPerHour:0.0} | {x.OtherFaPerHour:0.0} | {EvaluationSummary.Pct((double)x.NearMissesFired / x.NearMisses)} |");
            foreach (var (kind, _) in kinds)
            {
                var t = x.NearMissesByKind.FirstOrDefault(k => k.Kind == kind);
                sb.Append(CultureInfo.InvariantCulture, $" {(t is null ? "-" : EvaluationSummary.Pct(t.AcceptRate))} |");
            }
            sb.Append('\n');
        }
        sb.Append('\n');
    }

    public static string Pct(MetricStats s) => Format(s, 100, "0.0", "%");

    public static string Ms(MetricStats s)
    {
        var text = Format(s, 1000, "0", " ms");
        return s.Missing > 0 && s.Count > 0 ? text + $" ({s.Missing} without hits)" : text;
    }

    /// <summary>"-12%" / "+8%"; "-" when there is nothing to compare.</summary>
    public static string Rel(double change) =>
        double.IsFinite(change) ? (change * 100).ToString("+0;-0;0", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>"mean ± sd" scaled and formatted, the mean alone for one value, "-" for none.</summary>
    internal static string Format(MetricStats s, double scale, string format, string unit)
    {
        if (s.Count == 0)
        {
            return "-";
        }
        var mean = (s.Mean * scale).ToString(format, CultureInfo.InvariantCulture);
        return double.IsFinite(s.Std)
            ? $"{mean} ± {(s.Std * scale).ToString(format, CultureInfo.InvariantCulture)}{unit}"
            : mean + unit;
    }

    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
