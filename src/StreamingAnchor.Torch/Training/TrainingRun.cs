using System.Text.Json;
using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Training;

/// <summary>
/// A complete `sal train`: resolves and records the config (train.json), loads the data, trains (resuming from the
/// last checkpoint when there is one) and leaves a loadable run folder: the best epoch's model, the normaliser, the
/// front end and a training summary.
/// </summary>
public static class TrainingRun
{
    public const string ConfigFile = "train.json";

    public static TrainConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: config not found", path);
        }
        return StrictJson.Deserialize<TrainConfig>(File.ReadAllText(path), ProjectJson.Strict, path, "train config");
    }

    /// <summary>
    /// The task rule of a task name and the positive labels (class k + 1 is labels[k]) on the run's frame grid
    /// (<paramref name="clock"/>, from its front end): a rule on another grid would put the targets and anchors at the
    /// wrong frames.
    /// </summary>
    public static TaskRule RuleOf(TaskKind task, IReadOnlyList<string> labels, FrameClock clock) =>
        TaskRule.For(task, [.. labels]) with { Clock = clock };

    /// <summary>
    /// The train and dev splits as the trainer sees them: features cached beside the manifest, the task rule over the
    /// train split's labels (sorted), the normaliser fitted on train only (or <paramref name="normalizer"/> when given),
    /// windows, bucketing and augmentation from the config. The manifest goes through the checks of `sal data check` first.
    /// </summary>
    public static DatasetTrainingData LoadData(TrainConfig config, FbankConfig fbank, IProgress<(int Done, int Total)>? loading = null,
        FeatureNormalizer? normalizer = null) =>
        LoadData(config, ValidManifest(config), fbank, loading, normalizer);

    /// <summary>
    /// The config's manifest, refused (<see cref="InvalidDataException"/>) when `sal data check` finds a problem in it,
    /// when its train split is empty or when it has no dev split the config can do without.
    /// </summary>
    public static Manifest ValidManifest(TrainConfig config)
    {
        var manifest = ManifestChecker.LoadValid(config.Data);
        if (manifest.Split("train").Count == 0)
        {
            throw new InvalidDataException($"{config.Data}: no clips in the train split (found: {SplitsOf(manifest)})");
        }
        RequireDevSplit(manifest, config, "name it dev, or pass --dev-metric loss / --no-dev");
        return manifest;
    }

    /// <summary>
    /// Refuses a manifest without a dev split unless the config trains without one (<see cref="TrainConfig.NoDev"/>) or
    /// picks the best epoch by loss: a dev metric over nothing would silently ship whichever epoch came first.
    /// </summary>
    public static void RequireDevSplit(Manifest manifest, TrainConfig config, string remedy)
    {
        if (config.NoDev || manifest.Split("dev").Count > 0 || config.DevMetric == DevMetric.Loss)
        {
            return;
        }
        throw new InvalidDataException($"no 'dev' split in {config.Data} (found: {SplitsOf(manifest)}); {remedy}");
    }

    private static string SplitsOf(Manifest manifest) =>
        string.Join(", ", manifest.Entries.Select(e => e.Split).Distinct(StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// <see cref="LoadData(TrainConfig, FbankConfig, IProgress{ValueTuple{int, int}}?, FeatureNormalizer?)"/> over an
    /// already checked manifest (or a part of one, as `sal bench data` takes), with the features kept per
    /// <paramref name="storage"/>.
    /// </summary>
    public static DatasetTrainingData LoadData(TrainConfig config, Manifest manifest, FbankConfig fbank,
        IProgress<(int Done, int Total)>? loading, FeatureNormalizer? normalizer, FeatureStorage storage = FeatureStorage.Mapped)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(manifest);
        var train = manifest.Split("train");
        var labels = train.SelectMany(e => e.Events.Select(v => v.Label)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var clock = FrameClock.Of(fbank);
        var dataset = FeatureDataset.Load(manifest, new DatasetOptions
        {
            Rule = RuleOf(config.Task, labels, clock),
            Fbank = fbank,
            IncludeStreams = config.IncludeStreams,
            Splits = config.NoDev ? ["train"] : ["train", "dev"],
            NormalizerSplit = "train",
            Normalizer = normalizer,
            Storage = storage,
        }, loading);
        var batches = new BatchOptions
        {
            BatchSize = config.BatchSize,
            Seed = config.Seed,
            WindowFrames = config.WindowFramesOn(clock),
            WindowMode = config.WindowMode,
            Augment = config.ResolvedAugmentation,
            Sampler = config.Sampler,
        };
        return new DatasetTrainingData(dataset, batches, config.BatchSize);
    }

    /// <summary>
    /// The mined hard negatives (checked like any manifest) as features with the training data's rule, front end and
    /// normaliser (fitted on the train split only, never on them), mixed into every epoch.
    /// </summary>
    public static ITrainingData WithHardNegatives(TrainConfig config, DatasetTrainingData data, IProgress<(int Done, int Total)>? loading = null)
    {
        if (config.HardNegatives is null)
        {
            return data;
        }
        if (data.Dataset.StreamNames.Count > 0)
        {
            throw new InvalidDataException(
                $"{config.HardNegatives}: hard negatives are audio only, the training data also has the streams {string.Join(", ", data.Dataset.StreamNames)} (train with --streams false)");
        }
        var mined = ManifestChecker.LoadValid(config.HardNegatives!);
        var hard = FeatureDataset.Load(mined, data.Dataset.Options with
        {
            IncludeStreams = false,
            Splits = [HardNegativeTrainingData.Split],
            Normalizer = data.Dataset.Normalizer,
            CacheDirectory = null,
        }, loading);
        // Mined windows are all negatives of one pool: the sampler's kinds and epoch size belong to the train split.
        return new HardNegativeTrainingData(data, hard, data.TrainOptions with { Sampler = null }, config.HardNegativeWeight ?? 1.0);
    }

    /// <summary>
    /// Trains into <paramref name="runDirectory"/>; reports data loading and training progress. The folder is locked
    /// for the whole run (<see cref="RunLock"/>) and fingerprinted (<see cref="RunFingerprint"/>): a folder holding a
    /// run on other data or settings is refused, unless <paramref name="force"/> (a resume then continues on the new
    /// data with the run's recorded normaliser; otherwise the old run is replaced). Without <paramref name="resume"/>
    /// a folder holding the very same run continues it, as an interrupted `sal experiment` cell does.
    /// </summary>
    public static TrainingState Run(TrainConfig config, string runDirectory, IProgress<TrainProgress>? progress = null,
        IProgress<(int Done, int Total)>? loading = null, CancellationToken cancellation = default, bool resume = false, bool force = false)
    {
        config.Validate();
        // A device this build cannot use is refused before any work, like bad data.
        Trainer.ResolveDevice(config.Device);
        // Bad data is refused before the folder is created or touched.
        var manifest = ValidManifest(config);
        if (config.HardNegatives is { } mined)
        {
            ManifestChecker.LoadValid(mined);
        }
        var initial = config.InitFrom is { } init ? InitialRun(init, config) : null;
        foreach (var teacher in config.Teachers ?? [])
        {
            // A missing or unreadable teacher is refused before any work; its features are checked once the data is loaded.
            new RunDirectory(teacher).ReadModelSpec();
        }
        using var runLock = RunLock.Acquire(runDirectory);
        var configPath = Path.Combine(runDirectory, ConfigFile);
        var fingerprint = RunFingerprint.Of(config, manifest);
        var normalizerPath = Path.Combine(runDirectory, RunDirectory.NormalizerFile);
        var hasCheckpoint = File.Exists(Path.Combine(runDirectory, Trainer.LastCheckpoint));
        FeatureNormalizer? recordedNormalizer = null;
        if (hasCheckpoint || File.Exists(Path.Combine(runDirectory, RunFingerprint.FileName)))
        {
            var recordedConfig = File.Exists(configPath) ? ReadConfig(configPath) : null;
            if (resume)
            {
                recordedConfig = recordedConfig?.WithResumable(config);
            }
            var recorded = RunFingerprint.Load(runDirectory);
            var changes = recorded is not null
                ? recorded.Changes(fingerprint, recordedConfig, config)
                : recordedConfig is not null && RunFingerprint.ConfigJson(recordedConfig) != RunFingerprint.ConfigJson(config)
                    ? [$"config changed ({string.Join(", ", RunFingerprint.ConfigChanges(recordedConfig, config))})"]
                    : [];
            if (changes.Count > 0 && !force)
            {
                throw resume
                    ? new IOException($"{runDirectory}: cannot resume: {string.Join("; ", changes)} since this run started; " +
                                      "pass --force to continue on the new data with the run's normaliser")
                    : new IOException($"{runDirectory} already holds a different run: {string.Join("; ", changes)}; " +
                                      "use another --out, --resume it, or pass --force to replace it");
            }
            if (changes.Count > 0 && !resume)
            {
                ClearRun(runDirectory);
                hasCheckpoint = false;
            }
            if (hasCheckpoint && File.Exists(normalizerPath))
            {
                // A continued run keeps the statistics its weights were trained with, even when the data changed.
                recordedNormalizer = FeatureNormalizer.Load(normalizerPath);
            }
        }
        else if (!hasCheckpoint && File.Exists(normalizerPath))
        {
            // A folder with a normaliser but no checkpoint or fingerprint is from an older or unrelated run: refit.
            File.Delete(normalizerPath);
        }
        if (!hasCheckpoint && initial is not null)
        {
            // Fine-tuning keeps the features the initial weights were trained on: its normaliser, never a refit.
            recordedNormalizer = initial.LoadNormalizer()
                ?? throw new FileNotFoundException($"{initial.PathOf(RunDirectory.NormalizerFile)}: not found (fine-tuning needs the initial run's normaliser)");
        }
        AtomicFile.WriteAllText(configPath, JsonSerializer.Serialize(config, ProjectJson.Options));
        fingerprint.Save(runDirectory);
        torch.set_num_threads(config.ResolvedThreads);

        var fbank = config.ResolvedFrontEnd;
        var data = LoadData(config, manifest, fbank, loading, recordedNormalizer);
        using var dataset = data.Dataset;
        if (recordedNormalizer is null || !hasCheckpoint)
        {
            // Recorded before the first epoch, so a resume never refits it on data that changed meanwhile.
            dataset.Normalizer.Save(normalizerPath);
        }
        torch.manual_seed(config.Seed);
        using var model = ModelFactory.Create(config.Model, data.InputDim, data.NumClasses);
        if (!hasCheckpoint && initial is not null)
        {
            // A resumed fine-tune continues from its own checkpoint; only its first epoch starts from the initial weights.
            LoadInitialWeights(initial, model);
        }
        var loss = LossFactory.Create(config.Loss);
        var training = WithHardNegatives(config, data, loading);
        using var teachers = config.Distils
            ? TeacherEnsemble.Load(config.Teachers!, dataset.Normalizer, fbank, data.InputDim, data.NumClasses, Trainer.ResolveDevice(config.Device))
            : null;
        var trainer = new Trainer(config, model, loss, training, runDirectory, teachers);
        var state = trainer.Run(progress, cancellation);

        // The run folder serves the best epoch (by the dev metric); the last one stays in checkpoints/ for resuming.
        Checkpoint.Load(trainer.BestCheckpointPath, model);
        model.eval();
        var run = new RunDirectory(runDirectory);
        run.SaveModel(model, dataset.Options.Rule.Labels);
        dataset.Normalizer.Save(run.PathOf(RunDirectory.NormalizerFile));
        fbank.Save(run.PathOf(RunDirectory.FrontEndFile));
        var header = Checkpoint.ReadHeader(trainer.LastCheckpointPath);
        run.SaveTrainingSummary(new TrainingSummary
        {
            Task = config.Task,
            Loss = config.Loss.Kind,
            EpochsDone = state.EpochsDone,
            Steps = state.Step,
            BestEpoch = state.BestEpoch,
            DevMetric = config.DevMetricName,
            SelectedBy = config.NoDev
                ? "last epoch (--no-dev: no dev split used)"
                : config.Ship == ShipEpoch.Last ? $"last epoch (--ship last; dev {config.DevMetricName} recorded)"
                : dataset.Clips(data.DevSplit).Count == 0 ? "training loss (no dev split)" : $"dev {config.DevMetricName}",
            EmaDecay = config.EmaDecay,
            BestDevMetric = double.IsFinite(state.BestMetric) ? state.BestMetric : null,
            StoppedEarly = state.Stopped,
            TrainClips = dataset.Clips(data.TrainSplit).Count,
            DevClips = dataset.Clips(data.DevSplit).Count,
            HardNegativeBatchesPerEpoch = training is HardNegativeTrainingData h ? h.HardBatchesPerEpoch : 0,
            InputDim = dataset.InputDim,
            Streams = dataset.StreamNames,
            Parameters = model.parameters().Sum(p => p.numel()),
            TrainSeconds = header.History.Sum(h => h.Seconds),
        });
        return state;
    }

    /// <summary>
    /// The run a fine-tune starts from (<see cref="TrainConfig.InitFrom"/>), refused before any work when it is not a
    /// finished run or its model settings differ from <paramref name="config"/>'s.
    /// </summary>
    private static RunDirectory InitialRun(string path, TrainConfig config)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"{path}: run to fine-tune from not found");
        }
        var run = new RunDirectory(path);
        var spec = run.ReadModelSpec();
        if (spec.Model != config.Model)
        {
            throw new InvalidDataException(
                $"{run.PathOf(RunDirectory.ModelFile)}: its model ({JsonSerializer.Serialize(spec.Model, ProjectJson.Options).ReplaceLineEndings(" ")}) is not the one to train " +
                $"({JsonSerializer.Serialize(config.Model, ProjectJson.Options).ReplaceLineEndings(" ")}); fine-tune with the same model settings");
        }
        return run;
    }

    private static void LoadInitialWeights(RunDirectory initial, StreamingModel model)
    {
        var weights = initial.PathOf(RunDirectory.WeightsFile);
        try
        {
            model.load(weights, strict: true);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or FileNotFoundException))
        {
            throw new InvalidDataException($"{weights}: cannot start from these weights ({ErrorText.OneLine(e.Message)}); the data must have the same features and classes", e);
        }
    }

    /// <summary>Removes what a previous run left (checkpoints, metrics, model files, evaluation) before replacing it.</summary>
    private static void ClearRun(string runDirectory)
    {
        foreach (var folder in new[] { Path.GetDirectoryName(Trainer.LastCheckpoint)!, RunEvaluator.EvalFolder })
        {
            var path = Path.Combine(runDirectory, folder);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        foreach (var file in new[] { Trainer.MetricsFile, RunFingerprint.FileName, RunDirectory.ModelFile, RunDirectory.WeightsFile,
                     RunDirectory.NormalizerFile, RunDirectory.FrontEndFile, RunDirectory.TrainingSummaryFile })
        {
            File.Delete(Path.Combine(runDirectory, file));
        }
    }
}
