using System.Globalization;
using System.Text;
using System.Text.Json;
using ScottPlot;
using StreamingAnchor.Losses;
using StreamingAnchor.Training;

namespace StreamingAnchor.Evaluation;

/// <summary>
/// `sal experiment`: trains and evaluates every cell of a grid. A cell whose evaluation exists is not run again and a
/// cell with a checkpoint resumes, so an interrupted grid continues where it stopped. Writes results.json, results.md
/// and, for a sweep, sweep.png.
/// </summary>
public static class ExperimentRunner
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Runs the grid; <paramref name="train"/> trains one cell (the CLI passes one that shows progress).</summary>
    public static IReadOnlyList<ExperimentCell> Run(ExperimentConfig config, string folder, Func<TrainConfig, string, TrainingState> train,
        IProgress<string>? log = null)
    {
        config.Validate();
        Directory.CreateDirectory(folder);
        var cells = new List<ExperimentCell>();
        var values = config.SweepParameter is null ? [null] : config.SweepValues.Select(v => (double?)v).ToList();
        var evalConfig = EvaluationConfig.ForTask(config.Base.Task) with { FaPerHourTargets = [config.FaPerHourTarget] };
        var total = config.Models.Count * config.Losses.Count * values.Count * config.Seeds;
        var index = 0;
        foreach (var model in config.Models)
        foreach (var loss in config.Losses)
        foreach (var value in values)
        for (var seed = 1; seed <= config.Seeds; seed++)
        {
            index++;
            var name = ExperimentCell.FolderName(model, loss, config.SweepParameter, value, seed);
            var dir = Path.Combine(folder, name);
            var metrics = Path.Combine(dir, RunEvaluator.EvalFolder, "metrics.json");
            EvaluationSummary summary;
            if (File.Exists(metrics))
            {
                log?.Report($"[{index}/{total}] {name}: done before, reusing its evaluation");
                summary = EvaluationSummary.Load(metrics);
            }
            else
            {
                log?.Report($"[{index}/{total}] {name}: training");
                var cellConfig = config.Base with
                {
                    Model = config.Base.Model with { Family = model },
                    Loss = WithSweep(config.Base.Loss with { Kind = loss }, config.SweepParameter, value),
                    Seed = config.Base.Seed + seed - 1,
                };
                train(cellConfig, dir);
                log?.Report($"[{index}/{total}] {name}: streaming evaluation");
                summary = RunEvaluator.Evaluate(dir, config.Base.Data, "test", name, evalConfig);
            }
            var point = summary.Result.Targets[0].Point;
            cells.Add(new ExperimentCell(model, loss, config.SweepParameter, value, seed, point.Frr, point.Latency.Median, point.Latency.P90,
                summary.Result.Frame?.Accuracy ?? double.NaN, summary.Result.Eer));
            AtomicFile.WriteAllText(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(cells, Json));
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "results.md"), Markdown(cells, config));
        if (config.SweepParameter is not null)
        {
            SweepPlot(Path.Combine(folder, "sweep.png"), cells, config);
        }
        return cells;
    }

    private static LossConfig WithSweep(LossConfig loss, string? parameter, double? value) => (parameter?.ToLowerInvariant(), value) switch
    {
        ("tau", { } v) => loss with { Tau = v },
        ("lambda", { } v) => loss with { Lambda = v },
        ("gamma", { } v) => loss with { Gamma = v },
        _ => loss,
    };

    /// <summary>Mean and standard deviation over seeds per model, loss (and sweep value), with the change of FRR against CE.</summary>
    public static string Markdown(IReadOnlyList<ExperimentCell> cells, ExperimentConfig config)
    {
        var inv = CultureInfo.InvariantCulture;
        var fa = config.Base.Task.Equals("onset", StringComparison.OrdinalIgnoreCase) ? "miss rate @" : "FRR @";
        var sb = new StringBuilder();
        sb.Append(inv, $"| model | loss |{(config.SweepParameter is null ? "" : $" {config.SweepParameter} |")} seeds | {fa}{config.FaPerHourTarget:0.##}/h | vs CE | median latency | p90 latency | frame accuracy | EER |\n");
        sb.Append(config.SweepParameter is null ? "|---|---|---|---|---|---|---|---|---|\n" : "|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var group in cells.GroupBy(c => (c.Model, c.Loss, c.Value)))
        {
            var frr = Stats(group.Select(c => c.Frr));
            var ce = cells.Where(c => c.Model == group.Key.Model && c.Loss == "ce").Select(c => c.Frr).ToList();
            var ceMean = ce.Count == 0 ? double.NaN : ce.Average();
            var change = group.Key.Loss == "ce" || double.IsNaN(ceMean) || ceMean == 0 ? "-" : $"{100 * (frr.Mean - ceMean) / ceMean:+0;-0}%";
            sb.Append(inv, $"| {group.Key.Model} | {group.Key.Loss} |{(config.SweepParameter is null ? "" : $" {group.Key.Value:0.###} |")} {group.Count()} | ");
            sb.Append(inv, $"{Pm(frr, 100, "%")} | {change} | {Pm(Stats(group.Select(c => c.MedianLatency)), 1000, " ms")} | ");
            sb.Append(inv, $"{Pm(Stats(group.Select(c => c.P90Latency)), 1000, " ms")} | {Pm(Stats(group.Select(c => c.FrameAccuracy)), 100, "%")} | ");
            sb.Append(inv, $"{Pm(Stats(group.Select(c => c.Eer)), 100, "%")} |\n");
        }
        return sb.ToString();
    }

    private static (double Mean, double Std, int N) Stats(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0)
        {
            return (double.NaN, double.NaN, 0);
        }
        var mean = v.Average();
        var std = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
        return (mean, std, v.Count);
    }

    private static string Pm((double Mean, double Std, int N) s, double scale, string unit) =>
        s.N == 0 ? "-" : s.N == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{scale * s.Mean:0.#}{unit}")
            : string.Create(CultureInfo.InvariantCulture, $"{scale * s.Mean:0.#} ± {scale * s.Std:0.#}{unit}");

    private static void SweepPlot(string path, IReadOnlyList<ExperimentCell> cells, ExperimentConfig config)
    {
        var plot = new Plot();
        foreach (var group in cells.GroupBy(c => (c.Model, c.Loss)))
        {
            var points = group.GroupBy(c => c.Value!.Value).OrderBy(g => g.Key)
                .Select(g => (X: g.Key, Y: 100 * g.Average(c => c.Frr))).ToArray();
            var s = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            s.LegendText = $"{group.Key.Model} {group.Key.Loss}";
        }
        plot.Title($"Sensitivity to {config.SweepParameter}");
        plot.XLabel(config.SweepParameter!);
        plot.YLabel(string.Create(CultureInfo.InvariantCulture, $"FRR at {config.FaPerHourTarget:0.##} FA/h (%)"));
        plot.ShowLegend(Alignment.UpperRight);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(900, 600, ImageFormat.Png));
    }
}
