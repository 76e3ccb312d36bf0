using System.CommandLine;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Data;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal train`: train a streaming detector with any loss of the family; `--resume` continues a run.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train a streaming detector (checkpoints every epoch; --resume continues after a crash)");
        var data = new Option<string>("--data") { Description = "Manifest (JSONL) with train and dev splits" };
        var config = new Option<string>("--config") { Description = "JSON file with the same settings as the flags (flags given override it)" };
        var resume = new Option<string>("--resume") { Description = "Run folder to continue from its last checkpoint" };
        var output = new Option<string>("--out") { Description = "Run folder to create", DefaultValueFactory = _ => "runs/train" };
        var task = new Option<string>("--task") { Description = "kws | onset | trigger" };
        var model = new Option<string>("--model") { Description = "gru | lstm | tcn | dscnn | crnn" };
        var preset = new Option<string>("--preset") { Description = "small | medium | large" };
        var hidden = new Option<int?>("--hidden") { Description = "Override the preset's width" };
        var layers = new Option<int?>("--layers") { Description = "Override the preset's depth" };
        var lookAhead = new Option<int?>("--lookahead") { Description = "Frames of look-ahead" };
        var dropout = new Option<double?>("--dropout") { Description = "Dropout between layers" };
        var loss = new Option<string>("--loss") { Description = "ce | focal | sal | sa+fl | safl | maxpool" };
        var kernel = new Option<string>("--kernel") { Description = "exp | gaussian | triangular | box" };
        var tau = new Option<double?>("--tau") { Description = "Kernel spread in frames" };
        var tauBefore = new Option<double?>("--tau-before") { Description = "Spread before the anchor (frames)" };
        var tauAfter = new Option<double?>("--tau-after") { Description = "Spread after the anchor (frames)" };
        var maxDistance = new Option<double?>("--max-distance") { Description = "Significance 0 beyond this many frames from every anchor" };
        var lambda = new Option<double?>("--lambda") { Description = "Anchor emphasis of sal / sa+fl" };
        var gamma = new Option<double?>("--gamma") { Description = "Focal exponent" };
        var saflWeight = new Option<bool?>("--safl-anchor-weight") { Description = "safl: also weight by (1 + lambda s)" };
        var reduction = new Option<string>("--reduction") { Description = "mean | weight-sum" };
        var classWeights = new Option<double[]>("--class-weights") { Description = "Per-class weights", AllowMultipleArgumentsPerToken = true };
        var maxPoolRegion = new Option<string>("--maxpool-region") { Description = "targets | sequence" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs" };
        var batch = new Option<int?>("--batch-size") { Description = "Clips per batch" };
        var window = new Option<double?>("--window") { Description = "Training window in seconds for long streams" };
        var windowMode = new Option<string>("--window-mode") { Description = "random (seeded crops, new each epoch) | sliding (half-overlapping windows)" };
        var augment = new Option<bool?>("--augment") { Description = "Seeded augmentation of training batches: gain, time shift, SpecAugment (or the config's augmentation)" };
        var streams = new Option<bool?>("--streams") { Description = "Feed the manifest's extra per-frame streams (e.g. accelerometer) with the audio; --streams false trains audio only (default true)" };
        var sampler = new Option<string>("--sampler")
        {
            Description = "Balanced batches: 'default' (positive=0.4,confusable=0.2,speech=0.2,background=0.2) or kind=share,... (unlisted kinds 0)",
        };
        var epochWindows = new Option<int?>("--epoch-windows") { Description = "Windows per epoch with --sampler (default: one pass of the split's windows)" };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (AdamW)" };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "AdamW weight decay" };
        var warmup = new Option<double?>("--warmup") { Description = "Share of steps spent warming up" };
        var clip = new Option<double?>("--clip") { Description = "Gradient-norm clip (0 = off)" };
        var patience = new Option<int?>("--patience") { Description = "Early stopping after this many epochs without dev improvement (0 = off)" };
        var devMetric = new Option<string>("--dev-metric")
        {
            Description = "What picks the best epoch: eer | frr (FRR at --dev-fa-per-hour, default 1) | frr@X (FRR at X FA/h) | loss; eer and frr score the dev split as sal eval does",
        };
        var devFaPerHour = new Option<double?>("--dev-fa-per-hour") { Description = "False alarms per hour of dev audio at which --dev-metric frr is read (default 1)" };
        var hardNegatives = new Option<string>("--hard-negatives") { Description = "Manifest of mined hard negatives (sal mine) added to every epoch" };
        var hardNegativeWeight = new Option<double?>("--hard-negative-weight") { Description = "Times each hard negative is seen per epoch (default 1; fractions allowed)" };
        var initFrom = new Option<string>("--init-from") { Description = "Fine-tune: start from this run folder's weights and normaliser (same model settings); optimiser and schedule start fresh" };
        var seed = new Option<int?>("--seed") { Description = "Seed (same seed, same model on the same machine)" };
        var device = new Option<string>("--device") { Description = "cpu (default) | cuda | cuda:N: where training computes (CUDA needs a CUDA libtorch build)" };
        var threads = new Option<int?>("--threads") { Description = "Torch threads (default 1: fastest for the small presets, see docs/performance.md)" };
        var replicas = new Option<int?>("--replicas")
        {
            Description = "Data-parallel replicas, one thread each, on fixed shards of every batch (default 1; see docs/performance.md); part of the run's settings",
        };
        var noDev = new Option<bool>("--no-dev") { Description = "Train without a dev split: all epochs run and the last one is shipped" };
        var force = new Option<bool>("--force") { Description = "Replace a different run in --out, or --resume although the data or config changed" };
        foreach (var o in new Option[] { data, config, resume, output, task, model, preset, hidden, layers, lookAhead, dropout, loss, kernel, tau,
                     tauBefore, tauAfter, maxDistance, lambda, gamma, saflWeight, reduction, classWeights, maxPoolRegion, epochs, batch, window, windowMode, augment, streams,
                     sampler, epochWindows, lr, weightDecay, warmup, clip, patience, devMetric, devFaPerHour, hardNegatives, hardNegativeWeight, initFrom, seed, threads,
                     replicas, device, noDev, force })
        {
            command.Options.Add(o);
        }

        CommandAction.Set(command, parse =>
        {
            string runDir;
            TrainConfig c;
            if (parse.GetValue(resume) is { } resumeDir)
            {
                runDir = resumeDir;
                var path = Path.Combine(runDir, TrainingRun.ConfigFile);
                c = TrainingRun.ReadConfig(path);
                if (!File.Exists(Path.Combine(runDir, Trainer.LastCheckpoint)))
                {
                    throw new FileNotFoundException($"{Path.Combine(runDir, Trainer.LastCheckpoint)}: no checkpoint to resume from");
                }
                // Mined hard negatives may join a resumed run (the next epochs train on them); the fingerprint still
                // names the change and asks for --force, since the run's data changes.
                c = c with
                {
                    Threads = parse.GetValue(threads) ?? c.Threads,
                    Replicas = parse.GetValue(replicas) ?? c.Replicas,
                    Device = parse.GetValue(device) ?? c.Device,
                    HardNegatives = parse.GetValue(hardNegatives) is { } hnr ? Path.GetFullPath(hnr) : c.HardNegatives,
                    HardNegativeWeight = parse.GetValue(hardNegativeWeight) ?? c.HardNegativeWeight,
                };
            }
            else
            {
                runDir = parse.GetValue(output)!;
                c = parse.GetValue(config) is { } file ? TrainingRun.ReadConfig(file) : new TrainConfig();
                var m = c.Model;
                m = m with
                {
                    Family = parse.GetValue(model) ?? m.Family,
                    Preset = parse.GetValue(preset) ?? m.Preset,
                    Hidden = parse.GetValue(hidden) ?? m.Hidden,
                    Layers = parse.GetValue(layers) ?? m.Layers,
                    LookAhead = parse.GetValue(lookAhead) ?? m.LookAhead,
                    Dropout = parse.GetValue(dropout) ?? m.Dropout,
                };
                var l = c.Loss;
                l = l with
                {
                    Kind = parse.GetValue(loss) ?? l.Kind,
                    Kernel = parse.GetValue(kernel) ?? l.Kernel,
                    Tau = parse.GetValue(tau) ?? l.Tau,
                    TauBefore = parse.GetValue(tauBefore) ?? l.TauBefore,
                    TauAfter = parse.GetValue(tauAfter) ?? l.TauAfter,
                    MaxDistance = parse.GetValue(maxDistance) ?? l.MaxDistance,
                    Lambda = parse.GetValue(lambda) ?? l.Lambda,
                    Gamma = parse.GetValue(gamma) ?? l.Gamma,
                    SaflAnchorWeight = parse.GetValue(saflWeight) ?? l.SaflAnchorWeight,
                    Reduction = parse.GetValue(reduction) ?? l.Reduction,
                    ClassWeights = parse.GetValue(classWeights) is { Length: > 0 } w ? w : l.ClassWeights,
                    MaxPoolRegion = parse.GetValue(maxPoolRegion) ?? l.MaxPoolRegion,
                };
                c = c with
                {
                    Data = parse.GetValue(data) is { } d ? Path.GetFullPath(d) : c.Data,
                    Task = parse.GetValue(task) ?? c.Task,
                    Model = m,
                    Loss = l,
                    Epochs = parse.GetValue(epochs) ?? c.Epochs,
                    BatchSize = parse.GetValue(batch) ?? c.BatchSize,
                    WindowSeconds = parse.GetValue(window) ?? c.WindowSeconds,
                    WindowMode = parse.GetValue(windowMode) is { } wm
                        ? Enum.TryParse<WindowMode>(wm, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(wm, out _)
                            ? mode
                            : throw new ArgumentException($"unknown window mode '{wm}' (expected random or sliding)")
                        : c.WindowMode,
                    Augment = parse.GetValue(augment) ?? c.Augment,
                    IncludeStreams = parse.GetValue(streams) ?? c.IncludeStreams,
                    Sampler = parse.GetValue(sampler) is { } spec ? SamplerOptions.Parse(spec) : c.Sampler,
                    LearningRate = parse.GetValue(lr) ?? c.LearningRate,
                    WeightDecay = parse.GetValue(weightDecay) ?? c.WeightDecay,
                    WarmupFraction = parse.GetValue(warmup) ?? c.WarmupFraction,
                    ClipNorm = parse.GetValue(clip) ?? c.ClipNorm,
                    Patience = parse.GetValue(patience) ?? c.Patience,
                    DevMetric = parse.GetValue(devMetric) is { } dm ? ParseDevMetric(dm).Metric : c.DevMetric,
                    DevFaPerHour = parse.GetValue(devFaPerHour) ?? (parse.GetValue(devMetric) is { } dmf ? ParseDevMetric(dmf).FaPerHour : null) ?? c.DevFaPerHour,
                    HardNegatives = parse.GetValue(hardNegatives) is { } hn ? Path.GetFullPath(hn) : c.HardNegatives,
                    HardNegativeWeight = parse.GetValue(hardNegativeWeight) ?? c.HardNegativeWeight,
                    InitFrom = parse.GetValue(initFrom) is { } from ? Path.GetFullPath(from) : c.InitFrom,
                    Seed = parse.GetValue(seed) ?? c.Seed,
                    Threads = parse.GetValue(threads) ?? c.Threads,
                    Replicas = parse.GetValue(replicas) ?? c.Replicas,
                    Device = parse.GetValue(device) ?? c.Device,
                    NoDev = parse.GetValue(noDev) || c.NoDev,
                };
                if (parse.GetValue(epochWindows) is { } windows)
                {
                    c = c with
                    {
                        Sampler = (c.Sampler ?? throw new ArgumentException("--epoch-windows needs --sampler (or sampler in --config)")) with { EpochWindows = windows },
                    };
                }
                if (string.IsNullOrEmpty(c.Data))
                {
                    throw new ArgumentException("--data (or data in --config) is required");
                }
            }
            var state = TrainConsole.Run(Path.GetFileName(Path.GetFullPath(runDir)),
                    (progress, loading) => LibTorchRetry.Run(() => TrainingRun.Run(c, runDir, progress, loading, default,
                        resume: parse.GetValue(resume) is not null, force: parse.GetValue(force))));
                var shipped = c.NoDev ? $"--no-dev: shipped the last epoch, {state.BestEpoch}" : $"best epoch {state.BestEpoch}";
                Console.WriteLine($"trained {state.EpochsDone} epochs ({shipped}{(state.Stopped ? ", stopped early" : "")}); run folder: {Path.GetFullPath(runDir)}");
            return 0;
        }, resumeHint: "`sal train --resume RUN` continues from the last checkpoint");
        return command;
    }

    /// <summary>eer | frr | loss, or frr@X for FRR at X false alarms per hour.</summary>
    internal static (DevMetric Metric, double? FaPerHour) ParseDevMetric(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        if (!Enum.TryParse<DevMetric>(name, ignoreCase: true, out var metric) || !Enum.IsDefined(metric) || int.TryParse(name, out _))
        {
            throw new UsageException($"--dev-metric: unknown metric '{text}' (expected eer, frr, frr@X or loss)");
        }
        if (at < 0)
        {
            return (metric, null);
        }
        if (metric != DevMetric.Frr
            || !double.TryParse(text[(at + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var fa)
            || !(fa > 0 && double.IsFinite(fa)))
        {
            throw new UsageException($"--dev-metric: '{text}': only frr takes a budget, as frr@X with X > 0 false alarms per hour");
        }
        return (metric, fa);
    }
}
