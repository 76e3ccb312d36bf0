using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// Runs a grid cell by cell with the trainer of `sal train` (TrainingRun) and the streaming evaluation of `sal eval`
/// (RunEvaluator), one run folder per cell under cells/. A cell is finished when its result.json exists (written
/// atomically, last); a rerun skips finished cells and lets the trainer resume an interrupted one from its last
/// checkpoint. At the end it writes results.json, results.md and, for a sweep, the sensitivity plots.
/// </summary>
public static class ExperimentRunner
{
    public const string ConfigFile = "experiment.json";
    public const string CellsFolder = "cells";
    public const string CellResultFile = "result.json";
    public const string TableFile = "results.md";
    public const string DataFolder = "data";

    /// <summary>
    /// Generates the grid's corpus with the `sal synth` generator into the synth config's output folder (resumable:
    /// a finished corpus is reused) and returns the manifest path.
    /// </summary>
    public static string PrepareData(SynthConfig synth, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellation = default)
    {
        var result = CorpusGenerator.Generate(synth, progress is null ? null : new Relay<SynthProgress>(p =>
            progress.Report(new ExperimentProgress(0, 0, "data", "data", Message: p.Stage + (p.Message is null ? "" : $" ({p.Message})"),
                Count: (p.Done, p.Total)))), cancellation);
        return result.ManifestPath;
    }

    public static ExperimentResults Run(ExperimentConfig config, string outDirectory, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        (config, var data) = Setup(config, outDirectory, requireSameGrid: false);
        var cells = config.Cells();
        var results = new List<CellResult>(cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            results.Add(RunOrReuse(config, cells, i, outDirectory, progress, cancellation));
        }

        var all = Results(config, data, results, cells.Count);
        WriteOutputs(all, outDirectory);
        return all;
    }

    /// <summary>
    /// Checks the grid and its data and records it as experiment.json in the folder; returns the config as recorded
    /// (manifest path made absolute) and the data summary. With <paramref name="requireSameGrid"/> a folder already set
    /// up for another grid is refused: array tasks may be reading its experiment.json right now.
    /// </summary>
    public static (ExperimentConfig Config, DataSummary Data) Setup(ExperimentConfig config, string outDirectory, bool requireSameGrid)
    {
        if (string.IsNullOrEmpty(config.Data))
        {
            throw new ArgumentException("the experiment needs a manifest (--data) or generated data (--hours)");
        }
        config = config with { Data = Path.GetFullPath(config.Data) };
        config.Validate();
        if (!File.Exists(config.Data))
        {
            throw new FileNotFoundException($"{config.Data}: manifest not found", config.Data);
        }
        // Every cell trains and evaluates on this manifest: refuse it once, up front, with the messages of `sal data check`.
        var manifest = ManifestChecker.LoadValid(config.Data);
        TrainingRun.RequireDevSplit(manifest, config.TrainConfigOf(config.Cells()[0]), "name it dev");
        var data = DataSummary.Of(config.Data);
        if (data.TestClips == 0)
        {
            throw new FormatException($"{config.Data}: no clips in the test split");
        }
        Directory.CreateDirectory(outDirectory);
        var path = Path.Combine(outDirectory, ConfigFile);
        if (requireSameGrid && File.Exists(path))
        {
            var recorded = LoadConfig(outDirectory);
            if (Identity(recorded) != Identity(config))
            {
                throw new InvalidOperationException($"{path}: this folder holds a grid with other settings; use a new --out (or the same flags as before)");
            }
        }
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(config, ProjectJson.Results));
        return (config, data);
    }

    /// <summary>
    /// Runs cell <paramref name="index"/> (0-based, in <see cref="ExperimentConfig.Cells"/> order) of the grid set up in
    /// the folder, as `sal experiment cell` does for one Slurm array task: exactly what the local runner does for that
    /// cell, so a grid run cell by cell anywhere ends with the same results. A finished cell is returned as it is.
    /// </summary>
    /// <param name="threads">Torch threads for this cell; null = the grid's setting.</param>
    public static CellResult RunCell(string outDirectory, int index, int? threads = null, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var config = LoadConfig(outDirectory);
        var cells = config.Cells();
        if (index < 0 || index >= cells.Count)
        {
            throw new ArgumentException($"cell {index} is not in the grid of {Path.GetFullPath(outDirectory)} (it has cells 0..{cells.Count - 1})");
        }
        if (threads is { } t)
        {
            config = config with { Threads = t };
        }
        return RunOrReuse(config, cells, index, outDirectory, progress, cancellation);
    }

    /// <summary>The grid recorded in a folder (experiment.json).</summary>
    public static ExperimentConfig LoadConfig(string outDirectory)
    {
        var path = Path.Combine(outDirectory, ConfigFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not an experiment folder (no {ConfigFile})", path);
        }
        return StrictJson.Deserialize<ExperimentConfig>(File.ReadAllText(path), ProjectJson.StrictResults, path, "experiment config");
    }

    /// <summary>Whether cell <paramref name="cell"/> of the grid in the folder has its result.</summary>
    public static bool IsFinished(string outDirectory, ExperimentCell cell) =>
        File.Exists(Path.Combine(outDirectory, CellsFolder, cell.Name, CellResultFile));

    /// <summary>What decides the cells' results: not the threads, not where the cells run.</summary>
    private static string Identity(ExperimentConfig config) =>
        JsonSerializer.Serialize(config with { Threads = 0, Slurm = null }, ProjectJson.Results);

    private static CellResult RunOrReuse(ExperimentConfig config, IReadOnlyList<ExperimentCell> cells, int i, string outDirectory,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellation)
    {
        var cell = cells[i];
        var dir = Path.Combine(outDirectory, CellsFolder, cell.Name);
        var resultPath = Path.Combine(dir, CellResultFile);
        var train = config.TrainConfigOf(cell);
        if (File.Exists(resultPath))
        {
            RequireSameTraining(dir, train);
            var done = LoadCell(resultPath);
            progress?.Report(new ExperimentProgress(i + 1, cells.Count, cell.Name, "skip", Result: done));
            return done;
        }
        var result = RunCell(config, cell, train, dir, i + 1, cells.Count, progress, cancellation);
        // Written last and atomically: its presence is what "finished" means, for the local runner and for Slurm.
        AtomicFile.WriteAllText(resultPath, JsonSerializer.Serialize(result, ProjectJson.Results));
        progress?.Report(new ExperimentProgress(i + 1, cells.Count, cell.Name, "done", Result: result));
        return result;
    }

    /// <summary>
    /// The results of the cells of a grid folder that have finished so far (all of them after a complete run), from
    /// experiment.json and the cells' result files: what `sal experiment report` shows for a grid still running.
    /// </summary>
    /// <param name="faPerHour">
    /// Another false-alarm budget to report at: each cell's operating point is then re-read from the DET curve its
    /// evaluation saved (cells/NAME/eval/metrics.json), with no retraining and no rescoring of audio. Null = the grid's.
    /// </param>
    public static ExperimentResults Collect(string outDirectory, double? faPerHour = null)
    {
        var config = LoadConfig(outDirectory);
        var cells = config.Cells();
        var results = cells
            .Select(c => Path.Combine(outDirectory, CellsFolder, c.Name, CellResultFile))
            .Where(File.Exists)
            .Select(LoadCell)
            .ToList();
        if (faPerHour is { } target && target != config.FaPerHour)
        {
            if (!(target > 0) || !double.IsFinite(target))
            {
                throw new ArgumentException($"false-alarm budget must be a positive number, got {target}");
            }
            results = results.Select(r => AtBudget(r, Path.Combine(outDirectory, CellsFolder, r.Name), target)).ToList();
            config = config with { FaPerHour = target };
        }
        else
        {
            // Cells finished by a build that did not record near misses get them from their saved evaluation.
            results = results.Select(r => r.NearMisses > 0 ? r : NearMissesOf(r, Path.Combine(outDirectory, CellsFolder, r.Name))).ToList();
        }
        return Results(config, DataSummary.Of(config.Data), results, cells.Count);
    }

    /// <summary>The cell's result at another false-alarm budget, from the DET curve of its saved evaluation.</summary>
    public static CellResult AtBudget(CellResult cell, string cellDirectory, double faPerHour)
    {
        var point = SavedPoint(cellDirectory, faPerHour);
        return (cell with
        {
            FaPerHourTarget = faPerHour,
            Frr = point.Frr,
            FaPerHour = point.FaPerHour,
            LatencyMedian = point.Latency.Median,
            LatencyP90 = point.Latency.P90,
        }).WithNearMisses(point);
    }

    private static CellResult NearMissesOf(CellResult cell, string cellDirectory) =>
        File.Exists(SavedMetrics(cellDirectory)) ? cell.WithNearMisses(SavedPoint(cellDirectory, cell.FaPerHourTarget)) : cell;

    private static string SavedMetrics(string cellDirectory) => Path.Combine(cellDirectory, RunEvaluator.EvalFolder, "metrics.json");

    /// <summary>The operating point at a budget on the DET curve the cell's evaluation saved.</summary>
    private static OperatingPoint SavedPoint(string cellDirectory, double faPerHour) =>
        DetectionEvaluator.BestUnder(EvaluationSummary.Load(SavedMetrics(cellDirectory)).Result.Curve, faPerHour);

    private static ExperimentResults Results(ExperimentConfig config, DataSummary data, IReadOnlyList<CellResult> results, int planned) =>
        new(config, data, Machine(), results, ExperimentAggregator.Aggregate(results), planned,
            results.Sum(r => r.TrainSeconds + r.EvalSeconds), DateTimeOffset.UtcNow);

    /// <summary>results.json, the Markdown table and, for a sweep, the sensitivity plots.</summary>
    public static void WriteOutputs(ExperimentResults results, string outDirectory)
    {
        results.Save(Path.Combine(outDirectory, ExperimentResults.FileName));
        AtomicFile.WriteAllText(Path.Combine(outDirectory, TableFile), ExperimentReport.Markdown(results));
        if (results.Config.Sweep is not null)
        {
            SensitivityPlot.Write(outDirectory, results);
        }
    }

    public static CellResult LoadCell(string path)
    {
        try
        {
            return StrictJson.Deserialize<CellResult>(File.ReadAllText(path), ProjectJson.StrictResults, path, "cell result");
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{ex.Message}; delete the file to rerun the cell", ex);
        }
    }

    private static CellResult RunCell(ExperimentConfig config, ExperimentCell cell, TrainConfig train, string dir, int index, int count,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellation)
    {
        var loading = progress is null ? null : new Relay<(int Done, int Total)>(p =>
            progress.Report(new ExperimentProgress(index, count, cell.Name, "features", Count: p)));
        var training = progress is null ? null : new Relay<TrainProgress>(p =>
            progress.Report(new ExperimentProgress(index, count, cell.Name, "train", Train: p)));
        var state = LibTorchRetry.Run(() => TrainingRun.Run(train, dir, training, loading, cancellation),
            (attempt, ex) => progress?.Report(new ExperimentProgress(index, count, cell.Name, "retry",
                Message: $"libtorch failed ({LibTorchRetry.Describe(ex)}); resuming from the last checkpoint, attempt {attempt} of {LibTorchRetry.MaxAttempts}")));
        var header = Checkpoint.ReadHeader(Path.Combine(dir, Trainer.LastCheckpoint));

        return Score(config, cell, dir, state.EpochsDone, state.Step, header.History.Sum(h => h.Seconds), index, count, progress);
    }

    /// <summary>Evaluates a trained cell on the test split (eval/ in its folder) and makes its result.</summary>
    private static CellResult Score(ExperimentConfig config, ExperimentCell cell, string dir, int epochs, long steps, double trainSeconds,
        int index, int count, IProgress<ExperimentProgress>? progress)
    {
        progress?.Report(new ExperimentProgress(index, count, cell.Name, "eval"));
        var clock = Stopwatch.StartNew();
        var evaluation = EvaluationConfig.ForTask(config.Task);
        // The budgets `sal experiment report --fa-per-hour` is read at, so the sweep is refined at each of them too.
        evaluation = evaluation with
        {
            FaPerHourTargets = [.. evaluation.FaPerHourTargets.Concat(config.IsOnset ? [1.0, 5, 10, 30] : [0.5, 1, 2, 5, 10])
                .Append(config.FaPerHour).Distinct().Order()],
        };
        var summary = RunEvaluator.Evaluate(dir, config.Data, "test", cell.Name, evaluation,
            progress is null ? null : new Relay<(int Done, int Total)>(p =>
                progress.Report(new ExperimentProgress(index, count, cell.Name, "eval", Count: p))));
        var point = summary.Result.Targets.First(t => t.FaPerHourTarget == config.FaPerHour).Point;
        var run = new RunDirectory(dir);
        var parameters = run.ReadTrainingSummary()?.Parameters ?? 0;
        return new CellResult(cell.Name, cell.Model.Name(), cell.Loss.Name(), cell.Seed, cell.SweepParameter, cell.SweepValue, config.FaPerHour,
            point.Frr, point.FaPerHour, point.Latency.Median, point.Latency.P90, summary.Result.Frame?.Accuracy ?? double.NaN,
            summary.Result.Eer, point.Events, point.Streams, point.Hours, parameters, epochs, steps,
            trainSeconds, clock.Elapsed.TotalSeconds).WithNearMisses(point);
    }

    /// <summary>
    /// Scores every finished cell of the grid in the folder again with this build's evaluator (the trained weights are
    /// not touched) and rewrites its result.json atomically; for when the evaluation, not the training, changed.
    /// Returns the refreshed results.
    /// </summary>
    public static ExperimentResults Rescore(string outDirectory, IProgress<ExperimentProgress>? progress = null)
    {
        var config = LoadConfig(outDirectory);
        var cells = config.Cells();
        for (var i = 0; i < cells.Count; i++)
        {
            var dir = Path.Combine(outDirectory, CellsFolder, cells[i].Name);
            var resultPath = Path.Combine(dir, CellResultFile);
            if (!File.Exists(resultPath))
            {
                continue;
            }
            RequireSameTraining(dir, config.TrainConfigOf(cells[i]));
            var before = LoadCell(resultPath);
            var result = Score(config, cells[i], dir, before.Epochs, before.Steps, before.TrainSeconds, i + 1, cells.Count, progress);
            AtomicFile.WriteAllText(resultPath, JsonSerializer.Serialize(result, ProjectJson.Results));
        }
        var results = Collect(outDirectory);
        WriteOutputs(results, outDirectory);
        return results;
    }

    /// <summary>A finished cell counts only if it was trained with the config the grid asks for now.</summary>
    private static void RequireSameTraining(string dir, TrainConfig expected)
    {
        var path = Path.Combine(dir, TrainingRun.ConfigFile);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: missing; the cell folder is incomplete (delete it to rerun the cell)");
        }
        var recorded = JsonSerializer.Serialize(TrainingRun.ReadConfig(path) with { Threads = 0 }, ProjectJson.Options);
        if (recorded != JsonSerializer.Serialize(expected with { Threads = 0 }, ProjectJson.Options))
        {
            throw new InvalidOperationException($"{dir}: was trained with a different config than this grid asks for; use a new --out");
        }
    }

    private static string Machine()
    {
        var gib = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return FormattableString.Invariant($"{Environment.ProcessorCount} cores, {gib:0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, no GPU");
    }
}
