using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Cluster;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Evaluation.Experiments;
using StreamingAnchor.Anchors;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal experiment`: the loss x model x seed grid (optionally a sweep) trained with one budget on one corpus and
/// evaluated like `sal eval`; rerunning continues an interrupted grid. `sal experiment report` prints the tables.
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var command = new Command("experiment", "Train and evaluate every model x loss x seed on the same data and budget; results.json + Markdown table (resumable)");
        var defaults = new ExperimentConfig();
        var task = EnumOption.Create<TaskKind>("--task", "task");
        var data = new Option<string>("--data") { Description = "Manifest with train, dev and test splits (omit to generate one with --hours)" };
        var models = EnumOption.List("--models", "model family", $"Model families, comma separated ({string.Join(", ", EnumNames.All<ModelFamily>())}; default {string.Join(',', defaults.Models.Select(m => m.Name()))})", defaults.Models);
        var losses = EnumOption.List("--losses", "loss kind", $"Losses, comma separated (default {string.Join(',', defaults.Losses.Select(l => l.Name()))})", defaults.Losses);
        var seeds = new Option<int>("--seeds") { Description = "Seeds per cell", DefaultValueFactory = _ => 1 };
        var firstSeed = new Option<int>("--first-seed") { Description = "First seed", DefaultValueFactory = _ => 1 };
        var preset = EnumOption.Create<ModelSize>("--preset", "preset", "Model size preset (small | medium | large; default small)");
        var budget = new Option<string>("--budget") { Description = "Training budget of every cell: epochs=N, steps=N or both", DefaultValueFactory = _ => "epochs=2" };
        var sweep = new Option<string>("--sweep") { Description = "Sensitivity sweep of a loss parameter, e.g. tau=2,4,8,16,32 (tau | tau-before | tau-after | lambda | gamma | anchor-shift)" };
        var tau = new Option<double?>("--tau") { Description = "Kernel spread in frames (when not swept)" };
        var lambda = new Option<double?>("--lambda") { Description = "Anchor emphasis of sal / sa+fl (when not swept)" };
        var gamma = new Option<double?>("--gamma") { Description = "Focal exponent (when not swept)" };
        var nearMissAnchors = new Option<bool>("--near-miss-anchors")
        {
            Description = "sal, sa+fl and safl cells: the significance also peaks where each marked near miss ends (as sal train); other losses train without it",
        };
        var batch = new Option<int>("--batch-size") { Description = "Clips per batch", DefaultValueFactory = _ => defaults.BatchSize };
        var window = new Option<double?>("--window") { Description = "Training window in seconds for long streams" };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var hidden = new Option<int?>("--hidden") { Description = "Override the preset's width for every family" };
        var sampler = new Option<string>("--sampler")
        {
            Description = "Balanced batches in every cell: 'default' (positive=0.4,confusable=0.2,speech=0.2,background=0.2) or kind=share,... (as sal train)",
        };
        var devMetric = new Option<string>("--dev-metric")
        {
            Description = "What picks each cell's best epoch: eer (default) | frr (FRR at 1 FA/h of dev audio) | frr@X | loss (as sal train)",
        };
        var faPerHour = new Option<double>("--fa-per-hour") { Description = "False alarms (onset: false onsets) per hour at which FRR and latency are compared", DefaultValueFactory = _ => 1.0 };
        var threads = new Option<int>("--threads") { Description = "Torch threads per cell (default 1)", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Experiment folder (rerun with the same folder to continue)", Required = true };
        var hours = new Option<double>("--hours") { Description = "Without --data: hours of audio to generate with the sal synth generator", DefaultValueFactory = _ => 0.2 };
        var dataSeed = new Option<int>("--data-seed") { Description = "Without --data: generator seed", DefaultValueFactory = _ => 1 };
        var sources = new Option<string>("--sources") { Description = "Without --data: real sources for the generator, comma separated, 'all' or 'none'", DefaultValueFactory = _ => "all" };
        var engines = new Option<string>("--engines") { Description = "Without --data: TTS engines for the generator", DefaultValueFactory = _ => "espeak,flite,festival" };
        var ship = EnumOption.Create<ShipEpoch>("--ship", "epoch to ship",
            "Which epoch each cell ships: best (by --dev-metric, default) | last (as sal train --ship)");
        var emaDecay = new Option<double?>("--ema-decay") { Description = "Each cell ships a moving average of its weights with this decay per step (as sal train --ema-decay)" };
        var submit = new Option<string>("--submit") { Description = "Where the cells run: local (here, one after another) or slurm (one job array, a task per cell)", DefaultValueFactory = _ => "local" };
        var cpusPerTask = new Option<int?>("--cpus-per-task") { Description = "Slurm: CPUs (and torch threads) per cell (default 1, or as submitted before)" };
        var mem = new Option<string>("--mem") { Description = "Slurm: memory per cell, e.g. 4G" };
        var time = new Option<string>("--time") { Description = "Slurm: time limit per cell, e.g. 02:00:00" };
        var partition = new Option<string>("--partition") { Description = "Slurm: partition" };
        var sbatchLines = new Option<string[]>("--sbatch-line") { Description = "Slurm: another sbatch option for the job script, e.g. --qos=long (repeatable)" };
        foreach (var o in new Option[] { task, data, models, losses, seeds, firstSeed, preset, budget, sweep, tau, lambda, gamma, nearMissAnchors, batch, window, lr,
                     hidden, sampler, devMetric, ship, emaDecay, faPerHour, threads, output, hours, dataSeed, sources, engines, submit, cpusPerTask, mem, time, partition, sbatchLines })
        {
            command.Options.Add(o);
        }
        command.Subcommands.Add(Report());
        command.Subcommands.Add(Compare());
        command.Subcommands.Add(Rescore());
        command.Subcommands.Add(Cell());
        command.Subcommands.Add(Status());

        CommandAction.Set(command, parse =>
        {
            var outDir = parse.GetValue(output)!;
            var loss = new LossConfig();
            loss = loss with
            {
                Tau = parse.GetValue(tau) ?? loss.Tau,
                Lambda = parse.GetValue(lambda) ?? loss.Lambda,
                Gamma = parse.GetValue(gamma) ?? loss.Gamma,
                NearMissAnchors = parse.GetValue(nearMissAnchors),
            };
            var dev = parse.GetValue(devMetric) is { } dm ? TrainCommand.ParseDevMetric(dm) : (Metric: defaults.DevMetric, FaPerHour: defaults.DevFaPerHour);
            var config = new ExperimentConfig
            {
                Task = parse.GetValue(task) ?? defaults.Task,
                Data = parse.GetValue(data) ?? "",
                Models = parse.GetValue(models)!,
                Losses = parse.GetValue(losses)!,
                Seeds = parse.GetValue(seeds),
                FirstSeed = parse.GetValue(firstSeed),
                Preset = parse.GetValue(preset) ?? defaults.Preset,
                Budget = ExperimentBudget.Parse(parse.GetValue(budget)!),
                Loss = loss,
                Sweep = parse.GetValue(sweep) is { } s ? ExperimentSweep.Parse(s) : null,
                BatchSize = parse.GetValue(batch),
                WindowSeconds = parse.GetValue(window),
                LearningRate = parse.GetValue(lr),
                Hidden = parse.GetValue(hidden),
                Sampler = parse.GetValue(sampler) is { } spec ? SamplerOptions.Parse(spec) : null,
                DevMetric = dev.Metric,
                DevFaPerHour = dev.FaPerHour,
                Ship = parse.GetValue(ship) ?? defaults.Ship,
                EmaDecay = parse.GetValue(emaDecay),
                FaPerHour = parse.GetValue(faPerHour),
                Threads = parse.GetValue(threads),
            };
            config.Validate();
            var where = parse.GetValue(submit)!.Trim().ToLowerInvariant();
            if (where is not ("local" or "slurm"))
            {
                throw new UsageException($"--submit must be local or slurm, got '{where}'");
            }
            var slurmFlags = new (string Name, bool Given)[]
            {
                ("--cpus-per-task", parse.GetValue(cpusPerTask) is not null), ("--mem", parse.GetValue(mem) is not null),
                ("--time", parse.GetValue(time) is not null), ("--partition", parse.GetValue(partition) is not null),
                ("--sbatch-line", parse.GetValue(sbatchLines) is { Length: > 0 }),
            };
            if (where == "local" && slurmFlags.FirstOrDefault(f => f.Given).Name is { } stray)
            {
                throw new UsageException($"{stray} applies to --submit slurm only");
            }
            if (where == "slurm")
            {
                if (parse.GetValue(threads) != 0)
                {
                    throw new UsageException("--threads does not apply to --submit slurm: each cell trains with --cpus-per-task threads");
                }
                // Resource flags not given keep what the grid was submitted with before: a resubmission repeats only the
                // grid's flags.
                var recorded = File.Exists(Path.Combine(outDir, ExperimentRunner.ConfigFile)) ? ExperimentRunner.LoadConfig(outDir).Slurm : null;
                var resources = recorded ?? new SlurmResources();
                resources = resources with
                {
                    CpusPerTask = parse.GetValue(cpusPerTask) ?? resources.CpusPerTask,
                    Memory = parse.GetValue(mem) ?? resources.Memory,
                    Time = parse.GetValue(time) ?? resources.Time,
                    Partition = parse.GetValue(partition) ?? resources.Partition,
                    ExtraLines = parse.GetValue(sbatchLines) is { Length: > 0 } lines ? lines : resources.ExtraLines,
                };
                resources.Validate();
                config = config with { Slurm = resources, Threads = resources.CpusPerTask };
                if (SlurmClient.Unavailable() is { } why)
                {
                    throw new UsageException($"--submit slurm: {why}");
                }
            }
            // Progress goes to stderr like every command's; stdout carries the tables and the files written.
            var view = new ProgressView(Console.Error);
            if (string.IsNullOrEmpty(config.Data))
            {
                var sourceText = parse.GetValue(sources)!.Trim();
                var synth = new SynthConfig
                {
                    Task = config.Task switch { TaskKind.Onset => SynthTask.Onset, TaskKind.Trigger => SynthTask.Trigger, _ => SynthTask.Kws },
                    OutputDirectory = Path.Combine(outDir, ExperimentRunner.DataFolder),
                    Hours = parse.GetValue(hours),
                    Seed = parse.GetValue(dataSeed),
                    Engines = List(parse.GetValue(engines)!),
                };
                synth = sourceText.Equals("all", StringComparison.OrdinalIgnoreCase) ? synth
                    : synth with { Sources = sourceText.Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : List(sourceText) };
                Console.Error.WriteLine(FormattableString.Invariant($"generating {synth.Hours:0.##} h of {config.Task.Name()} data (seed {synth.Seed}) into {synth.OutputDirectory}"));
                config = config with { Data = ExperimentRunner.PrepareData(synth, view) };
            }
            var cells = config.Cells().Count;
            if (where == "slurm")
            {
                var cellCommand = SlurmGrid.CellCommand(Launcher(), outDir, config.Slurm!.CpusPerTask);
                var (submission, before) = SlurmGrid.Submit(config, outDir, cellCommand);
                Console.WriteLine(StatusLine(Path.GetFullPath(outDir), before));
                Console.WriteLine(submission is null
                    ? "nothing to submit: every cell is finished, queued or running"
                    : $"submitted job array {submission.JobId} with {submission.Cells.Count} cell(s) [{SlurmArraySpec.Format(submission.Cells)}]; " +
                      $"follow with: sal experiment status {outDir}; when done: sal experiment report {outDir}");
                return 0;
            }
            // Said once the grid is set up (its first cell starts), so a refused grid is only its error line.
            view.Header = $"experiment: {cells} cells ({config.Models.Count} models x {config.Losses.Count} losses{(config.Sweep is { } sw ? $", sweep {sw.Parameter}" : "")} x {config.Seeds} seeds), budget {config.Budget}, out {Path.GetFullPath(outDir)}";
            var results = ExperimentRunner.Run(config, outDir, view);
            Console.WriteLine(ExperimentReport.Markdown(results));
            Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(outDir, ExperimentResults.FileName))} and {ExperimentRunner.TableFile}" +
                (config.Sweep is null ? "" : $", {SensitivityPlot.FrrFile}, {SensitivityPlot.LatencyFile}"));
            return 0;
        }, resumeHint: "rerun the same command to continue from the last checkpoint");
        return command;
    }

    private static Command Report()
    {
        var command = new Command("report", "Print the Markdown tables of experiment folders (finished cells so far) and refresh their results.json, results.md and plots");
        var folders = new Argument<string[]>("folders") { Description = "Experiment folders written by sal experiment", Arity = ArgumentArity.OneOrMore };
        var faPerHour = new Option<double?>("--fa-per-hour")
        {
            Description = "Report at this false-alarm (onset: false-onset) budget instead of the grid's, read from each cell's saved DET curve; prints only, the folder's results stay as they are",
        };
        command.Arguments.Add(folders);
        command.Options.Add(faPerHour);
        CommandAction.Set(command, parse =>
        {
            var budget = parse.GetValue(faPerHour);
            foreach (var folder in parse.GetValue(folders)!)
            {
                var results = ExperimentRunner.Collect(folder, budget);
                if (budget is null)
                {
                    ExperimentRunner.WriteOutputs(results, folder);
                }
                Console.Write(ExperimentReport.Markdown(results));
            }
            return 0;
        });
        return command;
    }

    /// <summary>`sal experiment compare BASE OTHER`: two grids' cells paired by name, seed by seed.</summary>
    private static Command Compare()
    {
        var command = new Command("compare", "Compare two experiment folders cell by cell (same model, loss, sweep value and seed) at one or more false-alarm budgets");
        var baseFolder = new Argument<string>("base") { Description = "The reference experiment folder" };
        var otherFolder = new Argument<string>("other") { Description = "The experiment folder compared with it" };
        var faPerHour = new Option<string>("--fa-per-hour")
        {
            Description = "Budgets to compare at, comma separated, read from each cell's saved DET curve (default: the base grid's budget)",
        };
        command.Arguments.Add(baseFolder);
        command.Arguments.Add(otherFolder);
        command.Options.Add(faPerHour);
        CommandAction.Set(command, parse =>
        {
            var budgets = FaPerHourBudgets.Parse(parse.GetValue(faPerHour));
            Console.Write(ExperimentComparison.Of(parse.GetValue(baseFolder)!, parse.GetValue(otherFolder)!, budgets).Markdown());
            return 0;
        });
        return command;
    }

    /// <summary>`sal experiment rescore DIR`: every finished cell scored again by this build's evaluator.</summary>
    private static Command Rescore()
    {
        var command = new Command("rescore", "Score every finished cell of experiment folders again on the test split with this build's evaluator (weights untouched) and refresh result.json, results.json, results.md and plots");
        var folders = new Argument<string[]>("folders") { Description = "Experiment folders written by sal experiment", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(folders);
        CommandAction.Set(command, parse =>
        {
            foreach (var folder in parse.GetValue(folders)!)
            {
                var results = ExperimentRunner.Rescore(folder, new ProgressView(Console.Error));
                Console.Write(ExperimentReport.Markdown(results));
            }
            return 0;
        });
        return command;
    }

    /// <summary>`sal experiment cell DIR N`: one cell of a grid set up in DIR, as a Slurm array task runs it.</summary>
    private static Command Cell()
    {
        var command = new Command("cell", "Run one cell of a grid already set up in a folder (what each Slurm array task runs); its result is written atomically into the folder");
        var folder = new Argument<string>("folder") { Description = "Experiment folder (holds experiment.json)" };
        var index = new Argument<int>("index") { Description = "Cell index, 0-based in the grid's order (the Slurm array index)" };
        var threads = new Option<int?>("--threads") { Description = "Torch threads for this cell (default: the grid's)" };
        command.Arguments.Add(folder);
        command.Arguments.Add(index);
        command.Options.Add(threads);
        CommandAction.Set(command, parse =>
        {
            var dir = parse.GetValue(folder)!;
            var i = parse.GetValue(index);
            // Progress goes to stderr; stdout carries only the result line (a task's log holds both).
            var result = ExperimentRunner.RunCell(dir, i, parse.GetValue(threads), new ProgressView(Console.Error));
            Console.WriteLine($"cell {i} {result.Name}: {ProgressView.Summary(result)}");
            return 0;
        }, resumeHint: "rerun the same command (or resubmit the grid) to continue from the last checkpoint");
        return command;
    }

    /// <summary>`sal experiment status DIR`: every cell's state from the folder, squeue and sacct.</summary>
    private static Command Status()
    {
        var command = new Command("status", "Show which cells of a grid are done, pending, running, failed or never submitted (folder, squeue and sacct)");
        var folder = new Argument<string>("folder") { Description = "Experiment folder" };
        command.Arguments.Add(folder);
        CommandAction.Set(command, parse =>
        {
            var dir = Path.GetFullPath(parse.GetValue(folder)!);
            var status = SlurmGrid.Status(dir);
            Console.WriteLine(StatusLine(dir, status));
            var width = status.Cells.Max(c => c.Name.Length);
            foreach (var c in status.Cells)
            {
                Console.WriteLine($"{c.Index,4}  {c.Name.PadRight(width)}  {c.State.ToString().ToLowerInvariant(),-8} {c.Task ?? "-",-12}{(c.Detail is null ? "" : "  " + c.Detail)}".TrimEnd());
            }
            // Only a failed cell needs the caveat on how its failure was told.
            if (status.QueueNote is { } note && status.Count(CellState.Failed) > 0)
            {
                Console.WriteLine($"note: {note}");
            }
            if (status.ToSubmit.Count > 0 && SlurmGrid.LoadSubmissions(dir).Count > 0)
            {
                Console.WriteLine($"rerun the grid's sal experiment command with --submit slurm to submit the {status.ToSubmit.Count} missing or failed cell(s)");
            }
            return 0;
        });
        return command;
    }

    private static string StatusLine(string dir, GridStatus status) =>
        $"{dir}: {status.Cells.Count} cells: {status.Count(CellState.Done)} done, {status.Count(CellState.Running)} running, " +
        $"{status.Count(CellState.Pending)} pending, {status.Count(CellState.Failed)} failed, {status.Count(CellState.Missing)} not submitted";

    /// <summary>How to start this very build of sal: the apphost, or dotnet with sal.dll.</summary>
    private static IReadOnlyList<string> Launcher()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running sal");
        var dll = typeof(ExperimentCommand).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? [process, dll] : [process];
    }

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>One line per event worth a line: data generation steps, each epoch, each finished cell with the grid's ETA.</summary>
    private sealed class ProgressView(TextWriter writer) : IProgress<ExperimentProgress>
    {
        private readonly Lock _gate = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _ran;
        private string _lastData = "";
        private int _lastQuarter = -1;

        /// <summary>A line written before the first cell's first event (none: nothing).</summary>
        public string? Header { get; set; }

        public void Report(ExperimentProgress p)
        {
            lock (_gate)
            {
                if (Header is not null && p.Stage != "data")
                {
                    writer.WriteLine(Header);
                    Header = null;
                }
                var head = $"[{p.Cell}/{p.Cells}] {p.Name}";
                switch (p.Stage)
                {
                    case "data":
                        var quarter = p.Count is { Total: > 0 } c ? c.Done * 4 / c.Total : 0;
                        var key = $"{p.Message} {quarter}";
                        if (key != _lastData)
                        {
                            _lastData = key;
                            writer.WriteLine($"data: {p.Message}{(p.Count is { } n ? $" {n.Done}/{n.Total}" : "")}");
                        }
                        break;
                    case "skip":
                        writer.WriteLine($"{head}: finished earlier, {Summary(p.Result!)}");
                        break;
                    case "train" when p.Train is { Finished: { } f } t:
                        writer.WriteLine(FormattableString.Invariant(
                            $"{head}: epoch {f.Epoch}/{(t.Epochs == int.MaxValue ? "-" : t.Epochs.ToString(CultureInfo.InvariantCulture))} step {f.Step} loss {f.TrainLoss:0.0000} dev {f.DevMetric:0.0000}{(f.Best ? " (best)" : "")} {f.FramesPerSecond:0} frames/s {f.Seconds:0.0}s"));
                        _lastQuarter = -1;
                        break;
                    case "train" when p.Train is { } t:
                        var q = t.Batch * 4 / Math.Max(1, t.Batches);
                        if (q != _lastQuarter && t.Batch < t.Batches)
                        {
                            _lastQuarter = q;
                            writer.WriteLine(FormattableString.Invariant(
                                $"{head}: epoch {t.Epoch} batch {t.Batch}/{t.Batches} loss {t.Loss:0.0000} ETA {t.Eta:mm\\:ss}"));
                        }
                        break;
                    case "retry":
                        writer.WriteLine($"{head}: {p.Message}");
                        break;
                    case "eval" when p.Count is null:
                        writer.WriteLine($"{head}: streaming the test split");
                        break;
                    case "done":
                        _ran++;
                        var remaining = p.Cells - p.Cell;
                        var eta = TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _ran * remaining);
                        writer.WriteLine(FormattableString.Invariant($"{head}: {Summary(p.Result!)}; grid ETA {eta:hh\\:mm\\:ss}"));
                        break;
                }
            }
        }

        public static string Summary(CellResult r) => FormattableString.Invariant(
            $"FRR {100 * r.Frr:0.0}% at {r.FaPerHourTarget:0.##}/h, median latency {(double.IsNaN(r.LatencyMedian) ? "-" : $"{1000 * r.LatencyMedian:0} ms")}, frame acc {100 * r.FrameAccuracy:0.0}% (train {r.TrainSeconds:0}s, eval {r.EvalSeconds:0}s)");
    }
}
