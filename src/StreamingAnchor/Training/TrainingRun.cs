using System.Text.Json;
using System.Text.Json.Nodes;
using StreamingAnchor.Audio;
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

    public static TrainConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: config not found", path);
        }
        try
        {
            return JsonSerializer.Deserialize<TrainConfig>(File.ReadAllText(path), Json)
                   ?? throw new FormatException($"{path}: empty config");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}: invalid config ({ex.Message.Split('.')[0]})", ex);
        }
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
        var data = ManifestTrainingData.Load(config, fbank, loading);
        torch.manual_seed(config.Seed);
        using var model = ModelFactory.Create(config.Model, data.InputDim, data.NumClasses);
        var loss = LossFactory.Create(config.Loss);
        var trainer = new Trainer(config, model, loss, data, runDirectory);
        var state = trainer.Run(progress, cancellation);

        // The run folder serves the best epoch (by the dev metric); the last one stays in checkpoints/ for resuming.
        Checkpoint.Load(trainer.BestCheckpointPath, model, null);
        model.eval();
        var run = new RunDirectory(runDirectory);
        run.SaveModel(model, data.Labeler.Labels);
        data.Normalizer.Save(run.PathOf(RunDirectory.NormalizerFile));
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
            ["trainClips"] = data.TrainClips,
            ["devClips"] = data.DevClips,
            ["parameters"] = model.parameters().Sum(p => p.numel()),
            ["trainSeconds"] = header.History.Sum(h => h.Seconds),
        };
        run.SaveTrainingSummary(summary);
        return state;
    }
}
