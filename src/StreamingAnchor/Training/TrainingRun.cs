using System.Text.Json;
using System.Text.Json.Nodes;
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

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    // A --config typo ("epoch") must fail rather than train with the default.
    private static readonly JsonSerializerOptions ReadJson = StrictJson.Strict(Json);

    public static TrainConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: config not found", path);
        }
        return StrictJson.Deserialize<TrainConfig>(File.ReadAllText(path), ReadJson, path, "train config");
    }

    /// <summary>training.json key listing the extra streams fed after the mel bins, in order (absent or empty: audio only).</summary>
    public const string StreamsKey = "streams";

    /// <summary>The task rule of a task name and the positive labels (class k + 1 is labels[k]).</summary>
    public static TaskRule RuleOf(string task, IReadOnlyList<string> labels) =>
        TaskRule.For(Enum.Parse<TaskKind>(task, ignoreCase: true), [.. labels]);

    /// <summary>
    /// The train and dev splits as the trainer sees them: features cached beside the manifest, the task rule over the
    /// train split's labels (sorted), the normaliser fitted on train only, windows, bucketing and augmentation from the config.
    /// </summary>
    public static DatasetTrainingData LoadData(TrainConfig config, FbankConfig fbank, IProgress<(int Done, int Total)>? loading = null)
    {
        var manifest = Manifest.Load(config.Data);
        var train = manifest.Split("train");
        if (train.Count == 0)
        {
            throw new FormatException($"{config.Data}: no clips in the train split");
        }
        var labels = train.SelectMany(e => e.Events.Select(v => v.Label)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var dataset = FeatureDataset.Load(manifest, new DatasetOptions
        {
            Rule = RuleOf(config.Task, labels),
            Fbank = fbank,
            IncludeStreams = config.IncludeStreams,
            Splits = ["train", "dev"],
            NormalizerSplit = "train",
        }, loading);
        var batches = new BatchOptions
        {
            BatchSize = config.BatchSize,
            Seed = config.Seed,
            WindowFrames = config.WindowFrames,
            WindowMode = config.WindowMode,
            Augment = config.ResolvedAugmentation,
        };
        return new DatasetTrainingData(dataset, batches, config.BatchSize);
    }

    /// <summary>Trains into <paramref name="runDirectory"/>; reports data loading and training progress.</summary>
    public static TrainingState Run(TrainConfig config, string runDirectory, IProgress<TrainProgress>? progress = null,
        IProgress<(int Done, int Total)>? loading = null, CancellationToken cancellation = default)
    {
        config.Validate();
        Directory.CreateDirectory(runDirectory);
        var configPath = Path.Combine(runDirectory, ConfigFile);
        if (File.Exists(Path.Combine(runDirectory, Trainer.LastCheckpoint)) && File.Exists(configPath))
        {
            var recorded = JsonSerializer.Serialize(ReadConfig(configPath) with { Threads = 0 }, Json);
            if (recorded != JsonSerializer.Serialize(config with { Threads = 0 }, Json))
            {
                throw new InvalidOperationException($"{runDirectory}: holds a run with a different config; use --resume or a new --out");
            }
        }
        AtomicFile.WriteAllText(configPath, JsonSerializer.Serialize(config, Json));
        torch.set_num_threads(config.ResolvedThreads);

        var fbank = new FbankConfig();
        var data = LoadData(config, fbank, loading);
        var dataset = data.Dataset;
        torch.manual_seed(config.Seed);
        using var model = ModelFactory.Create(config.Model, data.InputDim, data.NumClasses);
        var loss = LossFactory.Create(config.Loss);
        var trainer = new Trainer(config, model, loss, data, runDirectory);
        var state = trainer.Run(progress, cancellation);

        // The run folder serves the best epoch (by the dev metric); the last one stays in checkpoints/ for resuming.
        Checkpoint.Load(trainer.BestCheckpointPath, model, null);
        model.eval();
        var run = new RunDirectory(runDirectory);
        run.SaveModel(model, dataset.Options.Rule.Labels);
        dataset.Normalizer.Save(run.PathOf(RunDirectory.NormalizerFile));
        fbank.Save(run.PathOf(RunDirectory.FrontEndFile));
        var header = Checkpoint.ReadHeader(trainer.LastCheckpointPath);
        var summary = new JsonObject
        {
            ["task"] = config.Task,
            ["loss"] = config.Loss.Kind,
            ["epochsDone"] = state.EpochsDone,
            ["steps"] = state.Step,
            ["bestEpoch"] = state.BestEpoch,
            ["devMetric"] = config.DevMetric,
            ["bestDevMetric"] = double.IsFinite(state.BestMetric) ? state.BestMetric : null,
            ["stoppedEarly"] = state.Stopped,
            ["trainClips"] = dataset.Clips(data.TrainSplit).Count,
            ["devClips"] = dataset.Clips(data.DevSplit).Count,
            ["inputDim"] = dataset.InputDim,
            [StreamsKey] = new JsonArray([.. dataset.StreamNames.Select(n => JsonValue.Create(n))]),
            ["parameters"] = model.parameters().Sum(p => p.numel()),
            ["trainSeconds"] = header.History.Sum(h => h.Seconds),
        };
        run.SaveTrainingSummary(summary);
        return state;
    }
}
