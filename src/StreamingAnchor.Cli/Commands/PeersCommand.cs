using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StreamingAnchor.Anchors;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Evaluation.Peers;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal peers`: openWakeWord (kws) or Silero VAD (onset) on the same test streams, with the same detection rules
/// and metrics as `sal eval`, printed as one table row per detector.
/// </summary>
internal static class PeersCommand
{
    public static Command Create()
    {
        var task = EnumOption.Create<TaskKind>("--task", "task", "kws (openWakeWord) or onset (Silero VAD)");
        task.Required = true;
        task.Validators.Add(result =>
        {
            // From the token, not the parsed value: reading the value of an unknown name would throw its parse error.
            if (result.Tokens is [var token] && EnumNames.TryParse<TaskKind>(token.Value, out var kind) && kind == TaskKind.Trigger)
            {
                result.AddError("--task: peers cover kws (openWakeWord) and onset (Silero VAD), not trigger");
            }
        });
        var keyword = new Option<string>("--keyword") { Description = "Wake word (kws): hey jarvis, alexa or hey mycroft", DefaultValueFactory = _ => "hey jarvis" };
        var data = new Option<FileInfo>("--data") { Description = "Manifest (JSONL) holding the test streams", Required = true };
        var split = new Option<string>("--split") { Description = "Manifest split to score", DefaultValueFactory = _ => "test" };
        var phases = new Option<int>("--phases")
        {
            Description = "Offsets of the peer's step grid to average over (each scored as its own pass)",
            DefaultValueFactory = _ => 4,
        };
        var limit = new Option<int?>("--limit") { Description = "Score only the first N streams of the split" };
        var cache = new Option<DirectoryInfo?>("--cache")
        {
            Description = $"Folder for the peers' models (default ${PeerModelCache.CacheEnvironmentVariable} or ~/.cache/streaminganchor/peers)",
        };
        var leadIn = new Option<double>("--lead-in")
        {
            Description = "Seconds of silence fed to the peer before each stream, so it starts warm (openWakeWord needs 1.3 s)",
            DefaultValueFactory = _ => 0,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of openWakeWord's initial noise embeddings", DefaultValueFactory = _ => 0 };
        var silero = new Option<int>("--silero") { Description = "Silero VAD version for onset: 4, 5 or 6", DefaultValueFactory = _ => 5 };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the rows (with the full DET sweeps) as JSON here" };
        var runs = new Option<string[]>("--runs")
        {
            Description = "Our trained run folders to score on the same streams and print beside the peer",
            AllowMultipleArgumentsPerToken = true,
        };
        var budgets = new Option<string?>("--fa-per-hour")
        {
            Description = "False-alarm (onset: false-onset) budgets per hour to report at, comma separated [default: kws 0.5,1; onset 1,10]",
        };
        var plots = new Option<DirectoryInfo?>("--plots") { Description = "Also draw det.png and latency.png of every row into this folder" };

        var command = new Command("peers", "Score an off-the-shelf detector (openWakeWord, Silero VAD) on the same test streams as our models");
        foreach (var option in new Option[] { task, keyword, data, split, phases, leadIn, limit, cache, seed, silero, runs, budgets, output, plots })
        {
            command.Options.Add(option);
        }
        CommandAction.Set(command, parse =>
        {
            return Run(parse.GetValue(task)!.Value, parse.GetValue(keyword)!, parse.GetValue(data)!.FullName, parse.GetValue(split)!,
                parse.GetValue(phases), parse.GetValue(leadIn), parse.GetValue(limit), parse.GetValue(cache)?.FullName, parse.GetValue(seed),
                parse.GetValue(silero), parse.GetValue(runs) ?? [], FaPerHourBudgets.Parse(parse.GetValue(budgets)), parse.GetValue(output)?.FullName, parse.GetValue(plots)?.FullName);
        });
        return command;
    }

    private static int Run(TaskKind task, string keyword, string dataPath, string split, int phases, double leadIn, int? limit,
        string? cacheRoot, int seed, int sileroVersion, string[] runPaths, IReadOnlyList<double>? budgets, string? outPath, string? plotDir)
    {
        var status = new Progress<string>(m => Console.Error.WriteLine(m));
        var manifest = Manifest.Load(dataPath);
        var config = EvaluationConfig.ForTask(task);
        if (budgets is not null)
        {
            config = config with { FaPerHourTargets = budgets };
        }
        var testSet = CliProgress.Run("reading streams", p =>
            PeerTestSet.Load(manifest, split, task, task == TaskKind.Kws ? keyword : null, limit, p), quietBelow: 0);
        if (testSet.EventCount == 0)
        {
            Console.Error.WriteLine(task == TaskKind.Kws
                ? $"warning: {dataPath}: no \"{keyword}\" events in split '{split}': only false alarms can be measured"
                : $"warning: {dataPath}: no events in split '{split}': only false onsets can be measured");
        }
        if (task == TaskKind.Kws && testSet.EarlyEvents > 0 && leadIn < PeerTestSet.WarmupSeconds)
        {
            Console.Error.WriteLine(
                $"note: {testSet.EarlyEvents} of {testSet.EventCount} events start before {PeerTestSet.WarmupSeconds} s, where a cold openWakeWord cannot fire yet (--lead-in {PeerTestSet.WarmupSeconds} lets it start warm)");
        }

        using var peer = PeerFactory.Create(task, keyword, new PeerModelCache(cacheRoot), seed, sileroVersion, status);
        var row = CliProgress.Run($"scoring {peer.Name} x {phases} offsets", p => PeerEvaluation.Run(peer, testSet, config, phases, p, leadIn), quietBelow: 0);
        var rows = new List<DetectorComparisonRow> { row };

        // Our models on one libtorch thread, as the peers run on one OnnxRuntime thread.
        TorchRuntime.SetThreads(1);
        foreach (var runPath in runPaths)
        {
            var name = Path.GetFileName(Path.GetFullPath(runPath).TrimEnd('/'));
            var scored = CliProgress.Run($"scoring {name}", p => RunEvaluator.Score(runPath, dataPath, split, p, limit), quietBelow: 0);
            if (scored.Task != task)
            {
                throw new ArgumentException($"{runPath}: the run was trained for {scored.Task.Name()}, not {task.Name()}");
            }
            var events = scored.Traces.Sum(t => t.Events.Count);
            if (events != testSet.EventCount)
            {
                Console.Error.WriteLine(
                    $"warning: {runPath}: judged on {events} events, the peer on {testSet.EventCount} (the run's labels differ from the peer's rule)");
            }
            rows.Add(new DetectorComparisonRow(name, "ours", scored.Parameters, scored.WeightBytes, scored.RealTimeFactor,
                scored.Traces.Count, scored.Traces.Sum(t => t.DurationSeconds) / 3600.0, DetectionEvaluator.Run(scored.Traces, config.On(scored.Clock))));
        }

        Console.WriteLine($"{task.Name()} on {dataPath} [{split}]: {testSet.Clips.Count} streams, {testSet.Hours:0.###} h, " +
                          $"{testSet.EventCount} events; peer pooled over {phases} step offsets" +
                          (leadIn > 0 ? $" after {leadIn:0.###} s of silence " : " ") +
                          $"(smoothing {config.Detector.SmoothingFrames} frames, refractory {config.Detector.RefractorySeconds} s)");
        Render(rows, config, task);
        if (plotDir is not null)
        {
            Directory.CreateDirectory(plotDir);
            var curves = rows.Select(r => (r.Name, r.Result)).ToList();
            EvaluationPlots.Det(Path.Combine(plotDir, "det.png"), curves, task == TaskKind.Onset ? "false onsets per hour" : "false alarms per hour");
            EvaluationPlots.Latency(Path.Combine(plotDir, "latency.png"), curves);
            Console.Error.WriteLine($"wrote {Path.Combine(plotDir, "det.png")} and latency.png");
        }
        if (outPath is not null)
        {
            // Per-hit latencies stay only at the reported operating points, as in eval/metrics.json.
            var slim = rows.Select(r => r with
            {
                Result = r.Result with
                {
                    Curve = r.Result.Curve.Select(p => p with { Latencies = [] }).ToList(),
                    AtThreshold = r.Result.AtThreshold with { Latencies = [] },
                },
            }).ToList();
            var report = new
            {
                task = task.Name(), keyword = task == TaskKind.Kws ? keyword : null, silero = task == TaskKind.Onset ? sileroVersion : (int?)null,
                data = dataPath, split, phases, leadIn, seed, config, rows = slim,
            };
            AtomicFile.WriteAllText(outPath, JsonSerializer.Serialize(report, ProjectJson.Results));
            Console.Error.WriteLine($"wrote {outPath}");
        }
        return 0;
    }

    private static void Render(IReadOnlyList<DetectorComparisonRow> rows, EvaluationConfig config, TaskKind task)
    {
        var rate = task == TaskKind.Onset ? "FO/h" : "FA/h";
        var miss = task == TaskKind.Onset ? "miss" : "FRR";
        var headers = new List<string> { "detector", "params", "bytes", "RTF (CPU time, 1 thread)" };
        foreach (var t in config.FaPerHourTargets)
        {
            headers.Add($"{miss} @{Num(t)} {rate}");
            headers.Add($"latency med/p90 @{Num(t)} {rate} (ms)");
        }
        headers.Add($"{miss} / {rate} @{Num(config.Detector.Threshold)}");
        headers.Add("EER");

        var lines = rows.Select(r =>
        {
            var cells = new List<string>
            {
                r.Name,
                r.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                r.Bytes.ToString("N0", CultureInfo.InvariantCulture),
                r.RealTimeFactor.ToString("0.0000", CultureInfo.InvariantCulture),
            };
            foreach (var t in config.FaPerHourTargets)
            {
                var p = r.At(t);
                cells.Add(p is null ? "-" : EvaluationSummary.Pct(p.Frr));
                cells.Add(p is null || p.Latency.Count == 0 ? "-" : $"{p.Latency.Median * 1000:0}/{p.Latency.P90 * 1000:0}");
            }
            var a = r.Result.AtThreshold;
            cells.Add($"{EvaluationSummary.Pct(a.Frr)} / {a.FaPerHour:0.##}");
            cells.Add(double.IsNaN(r.Result.Eer) ? "-" : EvaluationSummary.Pct(r.Result.Eer));
            return cells;
        }).ToList();

        ConsoleTable.Write(headers, lines, " | ");

        if (rows.All(r => r.Result.OtherTargets is not null))
        {
            var nearMisses = rows[0].Result.AtThreshold.NearMisses;
            Console.WriteLine($"false alarms outside the {nearMisses} near misses of the keyword the test set marks " +
                              "(each cell: FRR, and the share of near misses that fired at that threshold):");
            var other = new List<string> { "detector" };
            other.AddRange(config.FaPerHourTargets.Select(t => $"{miss} @{Num(t)} other {rate} (near misses fired)"));
            ConsoleTable.Write(other, rows.Select(r => new List<string> { r.Name }.Concat(config.FaPerHourTargets.Select(t =>
                r.Result.OtherTargetAt(t) is { } p
                    ? $"{EvaluationSummary.Pct(p.Frr)} ({EvaluationSummary.Pct(p.NearMissAcceptRate)})"
                    : "-")).ToList()).ToList(), " | ");
        }

        // Voice for voice against the first row (the peer), when the streams name their keyword voices and every row
        // scored the same keywords (one step phase: more phases pool each keyword several times).
        foreach (var scope in new[] { FalseAlarmScope.All, FalseAlarmScope.Elsewhere })
        {
            var elsewhere = scope == FalseAlarmScope.Elsewhere ? " elsewhere" : "";
            if (PairedDifferences.Against(rows[0].Result, rows.Skip(1).Select(r => r.Result), config.FaPerHourTargets, scope) is { } table)
            {
                Console.WriteLine($"{miss}{(elsewhere.Length == 0 ? "" : " at the budgets that count only the false alarms elsewhere")} against {rows[0].Name}, " +
                                  $"in points (positive: misses more), with a {100 * FrrInterval.DefaultLevel:0} % paired interval over the keyword voices " +
                                  "(the same voices drawn for both; an interval holding 0 is no difference these voices can show, and none counts the spread over training seeds):");
                var header = new List<string> { "detector" };
                header.AddRange(config.FaPerHourTargets.Select(t => $"{miss} @{Num(t)} {rate}{elsewhere}"));
                ConsoleTable.Write(header, rows.Skip(1).Zip(table, (r, cells) => new List<string> { r.Name }.Concat(cells).ToList()).ToList(), " | ");
            }
        }
    }

    private static string Num(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
}
