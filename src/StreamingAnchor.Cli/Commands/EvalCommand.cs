using System.CommandLine;
using Spectre.Console;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal eval`: stream a run's model over test clips like a device; `--compare` puts several runs side by side.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a run in streaming mode (DET curve, FRR at 0.5 and 1 FA/h, latency, plots)");
        var run = new Option<string[]>("--run")
        {
            Description = "Run folder written by sal train; two or more (repeated or space separated) are evaluated as one detector averaging their posteriors frame by frame (an ensemble; needs --out)",
            AllowMultipleArgumentsPerToken = true,
        };
        var data = new Option<string>("--data") { Description = "Manifest with the clips to evaluate" };
        var split = new Option<string>("--split") { Description = "Split to evaluate", DefaultValueFactory = _ => "test" };
        var smoothing = new Option<int?>("--smoothing") { Description = "Moving-average window in frames" };
        var refractory = new Option<double?>("--refractory") { Description = "Refractory period in seconds" };
        var before = new Option<double?>("--hit-before") { Description = "Hit window start, seconds before the anchor" };
        var after = new Option<double?>("--hit-after") { Description = "Hit window end, seconds after the anchor" };
        var budgets = new Option<string?>("--fa-per-hour")
        {
            Description = "False-alarm budgets (per hour, comma-separated) to report FRR and latency at, e.g. 0.5,1,5 (default: the task's)",
        };
        var compare = new Option<string[]>("--compare") { Description = "Evaluations to compare: run folders (their eval/) or folders sal eval --out wrote", AllowMultipleArgumentsPerToken = true };
        var weights = EnumOption.Create<RunWeights>("--weights", "weights",
            "Which weights to stream: shipped (weights.dat, default), best or last (the model in checkpoints/best.ckpt or last.ckpt)");
        var output = new Option<string?>("--out")
        {
            Description = "Folder for the report, metrics and figures (default: the run's eval/, eval-best/ or eval-last/ by --weights; runs/compare with --compare)",
        };
        foreach (var o in new Option[] { run, data, split, smoothing, refractory, before, after, budgets, weights, compare, output })
        {
            command.Options.Add(o);
        }
        CommandAction.Set(command, parse =>
        {
            if (parse.GetValue(compare) is { Length: > 0 } runs)
            {
                var summaries = runs.Select(RunEvaluator.LoadForComparison).ToList();
                var compareFolder = parse.GetValue(output) ?? "runs/compare";
                RunEvaluator.Compare(summaries, compareFolder);
                PrintTable(summaries);
                Console.WriteLine($"comparison written to {Path.GetFullPath(compareFolder)} (report.md, det.png, latency.png)");
                return 0;
            }
            var runDirs = parse.GetValue(run) is { Length: > 0 } given ? given : throw new ArgumentException("--run is required (or --compare)");
            var runDir = runDirs[0];
            var manifest = parse.GetValue(data) ?? throw new ArgumentException("--data is required");
            EvaluationConfig? config = null;
            var targets = FaPerHourBudgets.Parse(parse.GetValue(budgets));
            if (parse.GetValue(smoothing) is not null || parse.GetValue(refractory) is not null || parse.GetValue(before) is not null
                || parse.GetValue(after) is not null || targets is not null)
            {
                var d = EvaluationConfig.ForTask(Training.RunEvaluator.TaskOf(new Models.RunDirectory(runDir)));
                config = d with
                {
                    Detector = d.Detector with
                    {
                        SmoothingFrames = parse.GetValue(smoothing) ?? d.Detector.SmoothingFrames,
                        RefractorySeconds = parse.GetValue(refractory) ?? d.Detector.RefractorySeconds,
                    },
                    Match = d.Match with
                    {
                        BeforeSeconds = parse.GetValue(before) ?? d.Match.BeforeSeconds,
                        AfterSeconds = parse.GetValue(after) ?? d.Match.AfterSeconds,
                    },
                    FaPerHourTargets = targets ?? d.FaPerHourTargets,
                };
            }
            var chosen = parse.GetValue(weights) ?? RunWeights.Shipped;
            var folder = parse.GetValue(output)
                ?? (runDirs.Length > 1
                    ? throw new ArgumentException($"--out is required with {runDirs.Length} runs: an ensemble has no run folder of its own to write eval/ into")
                    : Path.Combine(runDir, RunEvaluator.EvalFolderOf(chosen)));
            var summary = runDirs.Length > 1
                ? RunEvaluator.EvaluateEnsemble(runDirs, manifest, folder, parse.GetValue(split)!, null, config, ClipProgress("ensemble"), chosen)
                : Evaluate(runDir, manifest, parse.GetValue(split)!, null, config, folder, chosen);
            PrintTable([summary]);
            Console.WriteLine($"report: {Path.GetFullPath(Path.Combine(folder, "report.md"))}");
            return 0;
        });
        return command;
    }

    /// <param name="outputFolder">Where the evaluation is written (null: the run's eval/).</param>
    public static EvaluationSummary Evaluate(string runDir, string manifest, string split, string? name, EvaluationConfig? config = null,
        string? outputFolder = null, RunWeights weights = RunWeights.Shipped)
    {
        return RunEvaluator.Evaluate(runDir, manifest, split, name, config, ClipProgress(name ?? RunEvaluator.NameOf(runDir, weights)),
            outputFolder, weights);
    }

    /// <summary>Streaming progress on stderr, a line at each quarter.</summary>
    private static IProgress<(int Done, int Total)> ClipProgress(string label)
    {
        var last = -1;
        return new Output.TrainConsole.Inline<(int Done, int Total)>(p =>
        {
            var quarter = p.Done * 4 / p.Total;
            if (quarter != last)
            {
                last = quarter;
                Console.Error.WriteLine($"{label}: streamed {p.Done}/{p.Total} clips");
            }
        });
    }

    /// <summary>The comparison table: FRR and median latency at each target, EER, and the detector's frame cost.</summary>
    public static void PrintTable(IReadOnlyList<EvaluationSummary> runs)
    {
        var targets = runs.SelectMany(r => r.Result.Targets.Select(t => t.FaPerHourTarget)).Distinct().OrderBy(x => x).ToList();
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(EvaluationSummary.ComparisonMarkdown(runs));
            return;
        }
        var table = new Table().AddColumn("run");
        foreach (var t in targets)
        {
            table.AddColumn(FormattableString.Invariant($"FRR @{t:0.##} FA/h"));
            table.AddColumn(FormattableString.Invariant($"median latency @{t:0.##}"));
        }
        table.AddColumn("EER");
        foreach (var r in runs)
        {
            var cells = new List<string> { Markup.Escape(r.Name) };
            foreach (var t in targets)
            {
                var p = r.Result.Targets.FirstOrDefault(x => x.FaPerHourTarget == t)?.Point;
                cells.Add(p is null ? "-" : EvaluationSummary.Pct(p.Frr));
                cells.Add(p is null ? "-" : EvaluationSummary.Ms(p.Latency.Median));
            }
            cells.Add(double.IsNaN(r.Result.Eer) ? "-" : EvaluationSummary.Pct(r.Result.Eer));
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
    }
}
