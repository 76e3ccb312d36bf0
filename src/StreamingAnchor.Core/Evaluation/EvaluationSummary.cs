using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamingAnchor.Anchors;

namespace StreamingAnchor.Evaluation;

/// <summary>
/// What `eval/metrics.json` holds: the run's name, the task, how the detector and the matching were set up, the test
/// set's size and the evaluation itself. It is read back by comparisons, so the DET curve is kept in full.
/// </summary>
public sealed record EvaluationSummary(string Name, TaskKind Task, string Data, EvaluationConfig Config, EvaluationResult Result)
{
    public bool IsOnset => Task == TaskKind.Onset;

    /// <summary>Writes the summary atomically; latencies of every hit are kept only at the reported operating points.</summary>
    public void Save(string path)
    {
        var slim = this with
        {
            Result = Result with
            {
                Curve = Result.Curve.Select(p => p with { Latencies = [] }).ToList(),
                AtThreshold = Result.AtThreshold with { Latencies = [] },
            },
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(slim, ProjectJson.Results));
    }

    public static EvaluationSummary Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no evaluation metrics (run `sal eval` first)", path);
        }
        return StrictJson.Deserialize<EvaluationSummary>(File.ReadAllText(path), ProjectJson.StrictResults, path, "evaluation metrics");
    }

    /// <summary>A short Markdown report of one evaluation.</summary>
    public string ToMarkdown()
    {
        var r = Result;
        var first = r.AtThreshold;
        var fa = IsOnset ? "false onsets/h" : "FA/h";
        var frr = IsOnset ? "miss rate" : "FRR";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Streaming evaluation: {Name}\n\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"Task `{Task}`, data `{Data}`: {first.Streams} streams, {first.Hours * 60:0.0} min of audio, {first.Events} events. ");
        sb.Append(CultureInfo.InvariantCulture,
            $"Detector: moving average over {Config.Detector.SmoothingFrames} frames, refractory {Config.Detector.RefractorySeconds:0.###} s; ");
        sb.Append(CultureInfo.InvariantCulture,
            $"a detection is a hit within [{-Config.Match.BeforeSeconds:0.###}, +{Config.Match.AfterSeconds:0.###}] s of an event's anchor. ");
        sb.Append("Latency = detection time (end of the frame that fired) minus anchor.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"| operating point | threshold | {frr} | {fa} | hits | false alarms | latency mean | median | p90 |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var t in r.Targets)
        {
            sb.Append(Row($"{fa} <= {t.FaPerHourTarget:0.##}", t.Point));
        }
        sb.Append(Row($"threshold {Config.Detector.Threshold:0.###}", first));
        sb.Append('\n');
        if (r.Targets.FirstOrDefault()?.Point.VoiceInterval is { } shape)
        {
            // The keywords of one voice rise and fall together: this is how much the split's choice of voices moves the FRR.
            sb.Append(CultureInfo.InvariantCulture,
                $"{char.ToUpperInvariant(frr[0])}{frr[1..]}'s {100 * shape.Level:0} % interval over the keyword voices (a bootstrap of {shape.Groups} voice groups, "
                + $"{shape.Resamples} resamples; streams whose keywords two voices say are a group of their own): ");
            sb.AppendJoin(", ", r.Targets.Where(t => t.Point.VoiceInterval is not null).Select(t => string.Create(CultureInfo.InvariantCulture,
                $"@{t.FaPerHourTarget:0.##} {fa} {100 * t.Point.VoiceInterval!.Low:0.0}-{Pct(t.Point.VoiceInterval.High)}")));
            sb.Append(".\n\n");
        }
        if (r.Targets.Count > 0 && r.Targets[0].Point.ByCondition.Count > 0)
        {
            // Every target point tallies the same streams, so the first one's rows are every point's rows.
            sb.Append(CultureInfo.InvariantCulture,
                $"{char.ToUpperInvariant(frr[0])}{frr[1..]} by the condition its stream was made under (the manifest's meta), at each budget:\n\n");
            sb.Append("| condition | value | events |");
            foreach (var t in r.Targets)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {frr} @{t.FaPerHourTarget:0.##} {fa} |");
            }
            sb.Append("\n|---|---|---|");
            sb.Append(string.Concat(Enumerable.Repeat("---|", r.Targets.Count)));
            sb.Append('\n');
            foreach (var row in r.Targets[0].Point.ByCondition)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {row.Condition} | {row.Value} | {row.Events} |");
                foreach (var t in r.Targets)
                {
                    var tally = t.Point.ByCondition.FirstOrDefault(c => c.Condition == row.Condition && c.Value == row.Value);
                    sb.Append(tally is null ? " - |" : $" {Pct(tally.Frr)} |");
                }
                sb.Append('\n');
            }
            sb.Append('\n');
        }
        if (r.OtherTargets is { } other)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"The test set marks {first.NearMisses} near misses of the keyword (one phoneme away, a word of it alone, rhymes). ");
            sb.Append("Counting only the false alarms elsewhere (ordinary speech, music, noise), with the share of near misses that fired:\n\n");
            sb.Append(CultureInfo.InvariantCulture, $"| operating point | threshold | {frr} | {fa} elsewhere | {fa} all | near misses fired | latency median |\n");
            sb.Append("|---|---|---|---|---|---|---|\n");
            foreach (var t in other)
            {
                var p = t.Point;
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {fa} elsewhere <= {t.FaPerHourTarget:0.##} | {Threshold(p.Threshold)} | {Pct(p.Frr)} | {p.OtherFaPerHour:0.##} | {p.FaPerHour:0.##} | {p.NearMissesFired}/{p.NearMisses} ({Pct(p.NearMissAcceptRate)}) | {Ms(p.Latency.Median)} |\n");
            }
            sb.Append('\n');
            // Which near misses fire: an edit at the keyword's end is what a detector firing before the end cannot hear.
            if (other.Any(t => t.Point.NearMissesByKind.Count > 0))
            {
                sb.Append("Near misses fired by kind:\n\n");
                foreach (var t in other)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"- at {fa} elsewhere <= {t.FaPerHourTarget:0.##}: ");
                    sb.AppendJoin(", ", t.Point.NearMissesByKind.Select(k => $"{k.Kind.Name()} {k.Fired}/{k.NearMisses} ({Pct(k.AcceptRate)})"));
                    sb.Append('\n');
                }
                sb.Append('\n');
            }
        }
        if (!double.IsNaN(r.Eer))
        {
            sb.Append(CultureInfo.InvariantCulture, $"EER (event {frr} = share of streams with a false alarm): {100 * r.Eer:0.0}%\n\n");
        }
        if (r.Frame is { } f)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"Frames at threshold {f.Threshold:0.###}: accuracy {100 * f.Accuracy:0.0}%, precision {100 * f.Precision:0.0}%, recall {100 * f.Recall:0.0}%, F1 {100 * f.F1:0.0}%\n\n");
        }
        sb.Append("Figures: `det.png` (DET curve), `latency.png` (latency histograms), `trace.png` (one stream).\n");
        return sb.ToString();
    }

    /// <summary>
    /// One Markdown table comparing several evaluations at their shared targets; when every evaluation's test set marks
    /// near misses, also FRR at each budget counted outside them, with the share of near misses that fired.
    /// </summary>
    public static string ComparisonMarkdown(IReadOnlyList<EvaluationSummary> runs)
    {
        var targets = runs.SelectMany(r => r.Result.Targets.Select(t => t.FaPerHourTarget)).Distinct().OrderBy(x => x).ToList();
        var other = runs.Count > 0 && runs.All(r => r.Result.OtherTargets is not null);
        var sb = new StringBuilder();
        sb.Append("| run |");
        foreach (var t in targets)
        {
            sb.Append(CultureInfo.InvariantCulture, $" FRR @{t:0.##} FA/h | median latency @{t:0.##} |");
        }
        sb.Append(" EER |");
        if (other)
        {
            foreach (var t in targets)
            {
                sb.Append(CultureInfo.InvariantCulture, $" FRR @{t:0.##} FA/h elsewhere (near misses fired) |");
            }
        }
        sb.Append("\n|---|");
        sb.Append(string.Concat(Enumerable.Repeat("---|---|", targets.Count)));
        sb.Append("---|");
        sb.Append(other ? string.Concat(Enumerable.Repeat("---|", targets.Count)) : "");
        sb.Append('\n');
        foreach (var run in runs)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {run.Name} |");
            foreach (var t in targets)
            {
                var p = run.Result.TargetAt(t);
                sb.Append(p is null ? " - | - |" : $" {Pct(p.Frr)} | {Ms(p.Latency.Median)} |");
            }
            sb.Append(CultureInfo.InvariantCulture, $" {(double.IsNaN(run.Result.Eer) ? "-" : Pct(run.Result.Eer))} |");
            if (other)
            {
                foreach (var t in targets)
                {
                    var p = run.Result.OtherTargetAt(t);
                    sb.Append(p is null ? " - |" : $" {Pct(p.Frr)} ({Pct(p.NearMissAcceptRate)}) |");
                }
            }
            sb.Append('\n');
        }
        sb.Append(Differences(runs, targets, FalseAlarmScope.All));
        if (other)
        {
            sb.Append(Differences(runs, targets, FalseAlarmScope.Elsewhere));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Each later run's FRR against the first's at each budget (counting every false alarm, or only those elsewhere),
    /// with a paired interval over the keyword voices, when the runs were scored on the same streams that say their
    /// voices (empty otherwise).
    /// </summary>
    private static string Differences(IReadOnlyList<EvaluationSummary> runs, IReadOnlyList<double> targets, FalseAlarmScope scope)
    {
        if (runs.Count < 2 || PairedDifferences.Against(runs[0].Result, runs.Skip(1).Select(r => r.Result), targets, scope) is not { } table)
        {
            return "";
        }
        var elsewhere = scope == FalseAlarmScope.Elsewhere ? " elsewhere" : "";
        var rows = runs.Skip(1).Zip(table, (run, row) => (run.Name, Cells: row));
        var level = runs[0].Result.Targets.Select(t => t.Point.VoiceInterval?.Level).FirstOrDefault(l => l is not null) ?? FrrInterval.DefaultLevel;
        var frr = runs[0].IsOnset ? "miss rate" : "FRR";
        var fa = runs[0].IsOnset ? "false onsets/h" : "FA/h";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"\n{frr}{(elsewhere.Length == 0 ? "" : " at the budgets that count only the false alarms elsewhere (away from near misses)")} against the first run ({runs[0].Name}), in points (positive: misses more), with a {100 * level:0} % paired interval over the keyword voices ");
        sb.Append("(each resample draws the same voices for both runs, so an interval that holds 0 is no difference these voices can show; it does not count the spread over training seeds):\n\n");
        sb.Append("| run |");
        foreach (var t in targets)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {frr} @{t:0.##} {fa}{elsewhere} |");
        }
        sb.Append("\n|---|");
        sb.Append(string.Concat(Enumerable.Repeat("---|", targets.Count)));
        sb.Append('\n');
        foreach (var (name, cells) in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", cells)} |\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// A threshold to four decimals or, when that prints 1 (or 0) for a threshold that is neither, to one decimal past
    /// the first that tells it apart: a confident model's operating points can sit a few float steps below 1, and a
    /// threshold copied from the output should not fire more than the one printed.
    /// </summary>
    public static string Threshold(double t)
    {
        string Text(int decimals) => t.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
        if (!double.IsFinite(t) || t == 0 || t == 1 || Text(4) is not ("0" or "1"))
        {
            return Text(4);
        }
        var d = 5;
        while (d < 16 && Text(d) is "0" or "1")
        {
            d++;
        }
        return Text(d + 1);
    }

    public static string Pct(double x) => string.Create(CultureInfo.InvariantCulture, $"{100 * x:0.0}%");

    public static string Ms(double seconds) =>
        double.IsNaN(seconds) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{1000 * seconds:0} ms");

    private static string Row(string name, OperatingPoint p) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Threshold(p.Threshold)} | {Pct(p.Frr)} | {p.FaPerHour:0.##} | {p.Hits}/{p.Events} | {p.FalseAlarms} | {Ms(p.Latency.Mean)} | {Ms(p.Latency.Median)} | {Ms(p.Latency.P90)} |\n");
}
