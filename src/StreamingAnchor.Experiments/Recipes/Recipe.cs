using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamingAnchor.Anchors;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Export;
using StreamingAnchor.Mining;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Recipes;

/// <summary>
/// `sal recipe`: synth -> train -> (mine -> fine-tune) x rounds -> eval -> export in one output folder, each stage
/// through the same library call as its own command. Every finished step is recorded atomically under .recipe/ with
/// a key of the settings it used (chained to the steps before it); a rerun skips the steps whose key still matches and
/// resumes the first one that does not (a killed synthesis, training or mining round continues where it stopped, as
/// their own commands do). The folder is locked for the whole run.
/// </summary>
public static class Recipe
{
    public const string ConfigFile = "recipe.json";
    public const string ReportFile = "recipe.md";
    public const string StateFolder = ".recipe";
    public const string DataFolder = "data";
    public const string TrainFolder = "train";
    public const string MinedFolder = "mined";

    /// <summary>The run folder of fine-tuning round <paramref name="round"/>.</summary>
    public static string FineTuneFolder(int round) => string.Create(CultureInfo.InvariantCulture, $"finetune-{round}");

    /// <summary>Where a step's completion is recorded.</summary>
    public static string RecordPath(string folder, RecipeStep step) => Path.Combine(folder, StateFolder, step.Name + ".json");

    /// <summary>The export's file name in the output folder: the folder's name (models/hey_jarvis -> hey_jarvis.onnx).</summary>
    public static string OnnxPath(string folder) => Path.Combine(folder, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))) + ".onnx");

    /// <summary>
    /// Runs (or continues) the recipe in <paramref name="folder"/>. A folder holding a recipe with other settings is
    /// refused naming them, unless <paramref name="force"/>: then the steps those settings change, and the steps after
    /// them, are redone (the corpus and runs replaced) and the others kept. A non-empty folder that holds no recipe is
    /// refused unless <paramref name="force"/>.
    /// </summary>
    public static RecipeResult Run(RecipeConfig config, string folder, bool force = false, IProgress<RecipeProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        folder = Path.GetFullPath(folder);
        var configPath = Path.Combine(folder, ConfigFile);
        if (Directory.Exists(folder) && !File.Exists(configPath) && Directory.EnumerateFileSystemEntries(folder).Any(e => Path.GetFileName(e) != StateFolder) && !force)
        {
            throw new IOException($"{folder} is not empty and holds no {ConfigFile}; choose another --out, or pass --force to run the recipe there anyway");
        }
        using var folderLock = RunLock.Acquire(Path.Combine(folder, StateFolder));
        if (File.Exists(configPath))
        {
            var changes = config.Changes(RecipeConfig.Read(configPath));
            if (changes.Count > 0 && !force)
            {
                throw new IOException($"{folder} holds a recipe with other settings ({string.Join("; ", changes)}); " +
                                      "choose another --out, or pass --force to redo the stages these settings change");
            }
        }
        AtomicFile.WriteAllText(configPath, config.ToJson() + "\n");

        var context = new Context(config, folder, force, cancellation);
        var steps = RecipeStep.All(config.MineRounds);
        var results = new List<RecipeStageResult>();
        var previousKey = "";
        var redo = false;
        for (var i = 0; i < steps.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var step = steps[i];
            var key = config.StepKey(step, previousKey);
            previousKey = key;
            var recordPath = RecordPath(folder, step);
            var record = File.Exists(recordPath)
                ? StrictJson.Deserialize<RecipeStageRecord>(File.ReadAllText(recordPath), ProjectJson.Strict, recordPath, "recipe stage record")
                : null;
            if (!redo && record is not null && record.Key == key)
            {
                context.Apply(step, record);
                progress?.Report(new RecipeProgress(step, i + 1, steps.Count, RecipeEvent.Skipped, $"done before in {Seconds(record.Seconds)}: {record.Summary}",
                    Seconds: record.Seconds));
                results.Add(new RecipeStageResult(step, record, Skipped: true));
                continue;
            }
            // From the first step that runs, every later one runs too: its inputs are new.
            redo = true;
            File.Delete(recordPath);
            progress?.Report(new RecipeProgress(step, i + 1, steps.Count, RecipeEvent.Started, Describe(step, config)));
            var clock = Stopwatch.StartNew();
            var (summary, output) = context.Run(step, (e, message, topic, done, total) =>
                progress?.Report(new RecipeProgress(step, i + 1, steps.Count, e, message, topic, done, total, clock.Elapsed.TotalSeconds)));
            record = new RecipeStageRecord(step.Name, key, Math.Round(clock.Elapsed.TotalSeconds, 1), summary, output);
            AtomicFile.WriteAllText(recordPath, JsonSerializer.Serialize(record, ProjectJson.Options) + "\n");
            context.Apply(step, record);
            progress?.Report(new RecipeProgress(step, i + 1, steps.Count, RecipeEvent.Finished, summary, Seconds: record.Seconds));
            results.Add(new RecipeStageResult(step, record, Skipped: false));
        }

        // From the manifest, not the synth step's summary: a rerun that skipped the step still describes its corpus.
        RecipeCorpus.Of(context.Manifest, folder).Save(folder);
        var evaluation = EvaluationSummary.Load(Path.Combine(context.Selected, RunEvaluator.EvalFolder, "metrics.json"));
        var parameters = new RunDirectory(context.Selected).ReadTrainingSummary()?.Parameters ?? 0;
        var onnx = OnnxPath(folder);
        var result = new RecipeResult(config, folder, results, context.Selected, results.Single(r => r.Step.Stage == RecipeStage.Eval).Record.Summary,
            evaluation, parameters, context.Manifest, onnx, ModelCard.SidecarPath(onnx), Path.Combine(folder, ReportFile));
        AtomicFile.WriteAllText(result.ReportPath, RecipeReport.Markdown(result));
        return result;
    }

    private static string Describe(RecipeStep step, RecipeConfig c) => step.Stage switch
    {
        RecipeStage.Synth => c.Clips is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"synthesising {n} {(c.Kind == RecipeKind.Kws ? $"\"{c.Keyword}\" " : "")}streams")
            : string.Create(CultureInfo.InvariantCulture, $"synthesising about {c.Hours:0.##} h of {(c.Kind == RecipeKind.Kws ? $"\"{c.Keyword}\" " : "onset ")}audio"),
        RecipeStage.Train => string.Create(CultureInfo.InvariantCulture,
            $"training {c.ModelSettings().Describe()} with {c.Loss.Name()}, {c.Epochs} epochs, batch {c.BatchSize}{(c.Warp > 0 ? $", warp on {c.Warp:0.##} of the windows" : "")}, best epoch by dev frr@{c.DevFaPerHour:0.##}"),
        RecipeStage.Mine => string.Create(CultureInfo.InvariantCulture, $"mining false alarms on the train split's negatives at {c.MineFaPerHour:0.##} FA/h"),
        RecipeStage.FineTune => string.Create(CultureInfo.InvariantCulture,
            $"fine-tuning {c.FineTuneEpochs} epochs at lr {c.FineTuneLearningRate:0.#####} with the mined windows (weight {c.HardNegativeWeight:0.##})"),
        RecipeStage.Eval => c.ShipRun == ShipRun.FineTune
            ? "taking the last fine-tune and streaming it over the test split"
            : "picking the run by its dev metric and streaming it over the test split",
        _ => "exporting the raw-audio ONNX graph and its model card",
    };

    internal static string Seconds(double s) => s >= 120
        ? string.Create(CultureInfo.InvariantCulture, $"{s / 60:0.0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{s:0.0} s");

    private delegate void Report(RecipeEvent e, string message, string topic, int done, int total);

    /// <summary>What the steps hand each other: the corpus, the current model, the runs to choose from, the chosen one.</summary>
    private sealed class Context(RecipeConfig config, string folder, bool force, CancellationToken cancellation)
    {
        public string Manifest { get; private set; } = Path.Combine(folder, DataFolder, "manifest.jsonl");

        /// <summary>The model the next mining round and fine-tune start from.</summary>
        public string Current { get; private set; } = Path.Combine(folder, TrainFolder);

        public List<string> Candidates { get; } = [];

        public string Selected { get; private set; } = Path.Combine(folder, TrainFolder);

        private string MinedManifest => Path.Combine(folder, MinedFolder, HardNegativeMiner.ManifestFile);

        private string Full(string relative) => Path.GetFullPath(Path.Combine(folder, relative));

        private string Relative(string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');

        /// <summary>Takes a finished (or skipped) step's output into the context.</summary>
        public void Apply(RecipeStep step, RecipeStageRecord record)
        {
            var output = record.Output is null ? null : Full(record.Output);
            switch (step.Stage)
            {
                case RecipeStage.Synth when output is not null:
                    Manifest = output;
                    break;
                case RecipeStage.Train when output is not null:
                    Current = output;
                    Candidates.Add(output);
                    break;
                case RecipeStage.FineTune when output is not null && output != Current:
                    Current = output;
                    Candidates.Add(output);
                    break;
                case RecipeStage.Eval when output is not null:
                    Selected = output;
                    break;
            }
        }

        public (string Summary, string? Output) Run(RecipeStep step, Report report) => step.Stage switch
        {
            RecipeStage.Synth => Synth(report),
            RecipeStage.Train => Train(Path.Combine(folder, TrainFolder), config.TrainConfig(Manifest), report),
            RecipeStage.Mine => Mine(step.Round, report),
            RecipeStage.FineTune => FineTune(step.Round, report),
            RecipeStage.Eval => Evaluate(report),
            _ => Export(),
        };

        private (string, string?) Synth(Report report)
        {
            var synth = config.SynthConfig(Path.Combine(folder, DataFolder), force);
            var result = CorpusGenerator.Generate(synth, new Relay<SynthProgress>(p =>
            {
                if (p.Stage == "warning")
                {
                    report(RecipeEvent.Note, $"warning: {p.Message}", "", 0, 0);
                }
                else
                {
                    report(RecipeEvent.Working, p.Message ?? "", p.Stage, p.Done, p.Total);
                }
            }));
            foreach (var warning in result.Warnings)
            {
                report(RecipeEvent.Note, $"warning: {warning}", "", 0, 0);
            }
            return (string.Create(CultureInfo.InvariantCulture,
                $"{result.Clips} streams, {result.Hours:0.##} h of audio ({result.ClipsReused} reused) in {Relative(result.ManifestPath)}"), Relative(result.ManifestPath));
        }

        private (string, string?) Train(string runFolder, TrainConfig train, Report report)
        {
            var state = LibTorchRetry.Run(
                () => TrainingRun.Run(train, runFolder, new Relay<TrainProgress>(p =>
                {
                    if (p.Finished is { } f)
                    {
                        report(RecipeEvent.Note, string.Create(CultureInfo.InvariantCulture,
                            $"epoch {f.Epoch}/{p.Epochs}: loss {f.TrainLoss:0.0000}, dev {train.DevMetricName} {f.DevMetric:0.0000}{(f.Best ? " (best)" : "")}, {f.FramesPerSecond:0} frames/s, {f.Seconds:0.0} s"),
                            "", 0, 0);
                    }
                    else
                    {
                        report(RecipeEvent.Working, string.Create(CultureInfo.InvariantCulture, $"loss {p.Loss:0.0000}, {p.FramesPerSecond:0} frames/s"),
                            $"epoch {p.Epoch}/{p.Epochs}", p.Batch, p.Batches);
                    }
                }), new Relay<(int Done, int Total)>(p => report(RecipeEvent.Working, "", "features", p.Done, p.Total)), cancellation, force: force),
                (attempt, ex) => report(RecipeEvent.Note, $"libtorch failed ({LibTorchRetry.Describe(ex)}); resuming from the last checkpoint (retry {attempt})", "", 0, 0));
            return (string.Create(CultureInfo.InvariantCulture,
                $"{state.EpochsDone} epochs, best epoch {state.BestEpoch}: dev {train.DevMetricName} {state.BestMetric:0.####}"), Relative(runFolder));
        }

        private (string, string?) Mine(int round, Report report)
        {
            var mined = Path.Combine(folder, MinedFolder);
            // Windows of rounds mined with a model that has since changed must not train the next one.
            HardNegativeMiner.DropRounds(mined, round);
            var manifest = Data.Manifest.Load(Manifest);
            if (!manifest.Split("train").Any(e => e.Events.Count == 0))
            {
                return ("no clip without events in the train split: nothing to mine", null);
            }
            var result = HardNegativeMiner.Mine(new MiningOptions
            {
                Run = Current,
                Out = mined,
                Manifest = Manifest,
                Splits = ["train"],
                FaPerHour = config.MineFaPerHour,
                Weight = config.HardNegativeWeight,
            }, new Relay<(int Done, int Total)>(p => report(RecipeEvent.Working, "", "streamed clips", p.Done, p.Total)));
            return (result.Describe(), Relative(MinedManifest));
        }

        private (string, string?) FineTune(int round, Report report)
        {
            // A round that found no false alarm leaves an empty file, which is no manifest to train with.
            var windows = File.Exists(MinedManifest) && new FileInfo(MinedManifest).Length > 0 ? Data.Manifest.Load(MinedManifest).Entries.Count : 0;
            if (windows == 0)
            {
                return ($"no hard negatives mined: kept {Relative(Current)}", Relative(Current));
            }
            var run = Path.Combine(folder, FineTuneFolder(round));
            var (summary, output) = Train(run, config.FineTuneConfig(Manifest, Current, MinedManifest), report);
            return (string.Create(CultureInfo.InvariantCulture, $"from {Relative(Current)} with {windows} mined windows: {summary}"), output);
        }

        /// <summary>
        /// The shipped run: with <see cref="ShipRun.Dev"/> the candidate (base or fine-tuned) whose best epoch has the lowest
        /// dev metric, equal ones going to the lower dev EER as within a training run, and a full tie to the later run (it
        /// has also trained on the mined windows); with <see cref="ShipRun.FineTune"/> the last candidate. The dev scores
        /// are reported either way.
        /// </summary>
        private (string, string?) Evaluate(Report report)
        {
            var scored = Candidates.Select(c =>
            {
                var header = Checkpoint.ReadHeader(Path.Combine(c, Trainer.BestCheckpoint));
                var eer = header.History.FirstOrDefault(h => h.Epoch == header.State.BestEpoch)?.DevEer ?? double.PositiveInfinity;
                return (Run: c, Metric: header.State.BestMetric, Eer: eer);
            }).ToList();
            var lastFineTune = config.ShipRun == ShipRun.FineTune;
            var best = lastFineTune
                ? scored[^1]
                : scored.OrderBy(s => s.Metric).ThenBy(s => s.Eer).ThenByDescending(s => Candidates.IndexOf(s.Run)).First();
            var metricName = config.TrainConfig(Manifest).DevMetricName;
            var rule = lastFineTune ? "the last fine-tune; " : "";
            var choice = string.Create(CultureInfo.InvariantCulture,
                $"shipped {Relative(best.Run)} ({rule}dev {metricName} / EER: {string.Join(", ", scored.Select(s => $"{Relative(s.Run)} {s.Metric:0.####} / {s.Eer:0.####}"))})");
            report(RecipeEvent.Note, choice, "", 0, 0);
            var task = config.Kind == RecipeKind.Onset ? TaskKind.Onset : TaskKind.Kws;
            var evaluation = EvaluationConfig.ForTask(task) with { FaPerHourTargets = [.. config.FaPerHour.Distinct().Order()] };
            RunEvaluator.Evaluate(best.Run, Manifest, "test", Relative(best.Run), evaluation,
                new Relay<(int Done, int Total)>(p => report(RecipeEvent.Working, "", "streamed test clips", p.Done, p.Total)));
            return (choice, Relative(best.Run));
        }

        private (string, string?) Export()
        {
            var onnx = OnnxPath(folder);
            var exported = RunExport.Write(new RunDirectory(Selected), onnx, rawAudio: true, [.. config.FaPerHour.Distinct().Order()], config.Licence ?? config.DataLicence());
            var thresholds = exported.Card[ModelCard.ThresholdsKey]!.AsArray().Count;
            return (string.Create(CultureInfo.InvariantCulture, $"{Relative(onnx)} (raw audio in) and its card {Relative(exported.CardPath)}, thresholds at {thresholds} FA/h budget(s)"),
                Relative(onnx));
        }
    }
}
