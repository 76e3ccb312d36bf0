using System.CommandLine;
using StreamingAnchor.Anchors;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
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
        var task = EnumOption.Create<TaskKind>("--task", "task");
        var model = EnumOption.Create<ModelFamily>("--model", "model family");
        var preset = EnumOption.Create<ModelSize>("--preset", "preset");
        var hidden = new Option<int?>("--hidden") { Description = "Override the preset's width" };
        var layers = new Option<int?>("--layers") { Description = "Override the preset's depth" };
        var lookAhead = new Option<int?>("--lookahead") { Description = "Frames of look-ahead" };
        var dropout = new Option<double?>("--dropout") { Description = "Dropout between layers" };
        var runningMean = new Option<int?>("--running-mean")
        {
            Description = "Subtract a running mean of the input with this time constant in frames before the first layer (e.g. 100; default: none)",
        };
        var loss = EnumOption.Create<LossKind>("--loss", "loss kind");
        var kernel = EnumOption.Create<KernelShape>("--kernel", "kernel");
        var tau = new Option<double?>("--tau") { Description = "Kernel spread in frames" };
        var tauBefore = new Option<double?>("--tau-before") { Description = "Spread before the anchor (frames)" };
        var tauAfter = new Option<double?>("--tau-after") { Description = "Spread after the anchor (frames)" };
        var maxDistance = new Option<double?>("--max-distance") { Description = "Significance 0 beyond this many frames from every anchor" };
        var anchorShift = new Option<double?>("--anchor-shift")
        {
            Description = "Move every anchor by this many frames before the significance is computed (negative: into the keyword; default 0); labels and scoring do not move",
        };
        var nearMissAnchors = new Option<bool?>("--near-miss-anchors")
        {
            Description = "sal, sa+fl, safl: the significance also peaks where each near miss marked in the data (meta.near_miss) ends; those frames stay negative",
        };
        var lambda = new Option<double?>("--lambda") { Description = "Anchor emphasis of sal / sa+fl" };
        var gamma = new Option<double?>("--gamma") { Description = "Focal exponent" };
        var saflWeight = new Option<bool?>("--safl-anchor-weight") { Description = "safl: also weight by (1 + lambda s)" };
        var reduction = EnumOption.Create<LossReduction>("--reduction", "loss reduction");
        var classWeights = new Option<double[]>("--class-weights") { Description = "Per-class weights", AllowMultipleArgumentsPerToken = true };
        var maxPoolRegion = EnumOption.Create<MaxPoolRegion>("--maxpool-region", "maxpool region");
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (with --resume: continue a run to this many)" };
        var batch = new Option<int?>("--batch-size") { Description = "Clips per batch" };
        var window = new Option<double?>("--window") { Description = "Training window in seconds for long streams" };
        var windowMode = EnumOption.Create<WindowMode>("--window-mode", "window mode", "random (seeded crops, new each epoch) | sliding (half-overlapping windows)");
        var augment = new Option<bool?>("--augment") { Description = "Seeded augmentation of training batches: gain, time shift, SpecAugment (or the config's augmentation)" };
        var warp = new Option<double?>("--warp")
        {
            Description = "Share of training windows given a vocal tract length perturbation (mel bins warped by a factor in 0.9-1.1), added to --augment's parts or alone",
        };
        var speed = new Option<double?>("--speed")
        {
            Description = "Share of training windows given a speed perturbation (tempo and pitch by resampling, factor 0.9-1.1; the window's audio is re-read), added to --augment's parts or alone",
        };
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
        var teacher = new Option<string[]>("--teacher")
        {
            Description = "Distil: a run folder trained on the same corpus whose posteriors (averaged over every --teacher) are soft targets beside the loss (repeatable)",
            AllowMultipleArgumentsPerToken = true,
        };
        var distillWeight = new Option<double?>("--distill-weight") { Description = "Weight of the distillation term added to the loss (default 1; needs --teacher)" };
        var seed = new Option<int?>("--seed") { Description = "Seed (same seed, same model on the same machine)" };
        var device = new Option<string>("--device") { Description = "cpu (default) | cuda | cuda:N: where training computes (CUDA needs a CUDA libtorch build)" };
        var threads = new Option<int?>("--threads") { Description = "Torch threads (default 1: fastest for the small presets, see docs/performance.md)" };
        var replicas = new Option<int?>("--replicas")
        {
            Description = "Data-parallel replicas, one thread each, on fixed shards of every batch (default 1; see docs/performance.md); part of the run's settings",
        };
        var ship = EnumOption.Create<ShipEpoch>("--ship", "epoch to ship",
            "Which epoch ships: best (by --dev-metric, default) | last (the dev split still scored and recorded each epoch)");
        var emaDecay = new Option<double?>("--ema-decay")
        {
            Description = "Score the dev split with, checkpoint and ship a moving average of the weights, this decay per step (e.g. 0.998; default: no average)",
        };
        var noDev = new Option<bool>("--no-dev") { Description = "Train without a dev split: all epochs run and the last one is shipped" };
        var force = new Option<bool>("--force") { Description = "Replace a different run in --out, or --resume although the data changed" };
        Option[] all = [data, config, resume, output, task, model, preset, hidden, layers, lookAhead, dropout, runningMean, loss, kernel, tau,
            tauBefore, tauAfter, maxDistance, anchorShift, nearMissAnchors, lambda, gamma, saflWeight, reduction, classWeights, maxPoolRegion, epochs, batch, window, windowMode, augment, warp, speed, streams,
            sampler, epochWindows, lr, weightDecay, warmup, clip, patience, devMetric, devFaPerHour, hardNegatives, hardNegativeWeight, initFrom, teacher, distillWeight, seed, threads,
            replicas, device, ship, emaDecay, noDev, force];
        foreach (var o in all)
        {
            command.Options.Add(o);
        }
        // What a resumed run may be given: more (or fewer) epochs, where it computes, and mined hard negatives or
        // replicas (the fingerprint then names the change and asks for --force). Any other setting would make the
        // checkpoint continue a run it was not part of.
        Option[] resumable = [resume, epochs, threads, device, hardNegatives, hardNegativeWeight, replicas, force];

        CommandAction.Set(command, parse =>
        {
            // The flags laid over a config, each only when given and let through by use.
            TrainConfig Apply(TrainConfig c, Func<Option, bool> use)
            {
                T? Get<T>(Option<T> option) => use(option) ? parse.GetValue(option) : default;
                var m = c.Model;
                m = m with
                {
                    Family = Get(model) ?? m.Family,
                    Preset = Get(preset) ?? m.Preset,
                    Hidden = Get(hidden) ?? m.Hidden,
                    Layers = Get(layers) ?? m.Layers,
                    LookAhead = Get(lookAhead) ?? m.LookAhead,
                    Dropout = Get(dropout) ?? m.Dropout,
                    RunningMeanFrames = Get(runningMean) ?? m.RunningMeanFrames,
                };
                var l = c.Loss;
                l = l with
                {
                    Kind = Get(loss) ?? l.Kind,
                    Kernel = Get(kernel) ?? l.Kernel,
                    Tau = Get(tau) ?? l.Tau,
                    TauBefore = Get(tauBefore) ?? l.TauBefore,
                    TauAfter = Get(tauAfter) ?? l.TauAfter,
                    MaxDistance = Get(maxDistance) ?? l.MaxDistance,
                    AnchorShift = Get(anchorShift) ?? l.AnchorShift,
                    NearMissAnchors = Get(nearMissAnchors) ?? l.NearMissAnchors,
                    Lambda = Get(lambda) ?? l.Lambda,
                    Gamma = Get(gamma) ?? l.Gamma,
                    SaflAnchorWeight = Get(saflWeight) ?? l.SaflAnchorWeight,
                    Reduction = Get(reduction) ?? l.Reduction,
                    ClassWeights = Get(classWeights) is { Length: > 0 } w ? w : l.ClassWeights,
                    MaxPoolRegion = Get(maxPoolRegion) ?? l.MaxPoolRegion,
                };
                c = c with
                {
                    Data = Get(data) is { } d ? Path.GetFullPath(d) : c.Data,
                    Task = Get(task) ?? c.Task,
                    Model = m,
                    Loss = l,
                    Epochs = Get(epochs) ?? c.Epochs,
                    BatchSize = Get(batch) ?? c.BatchSize,
                    WindowSeconds = Get(window) ?? c.WindowSeconds,
                    WindowMode = Get(windowMode) ?? c.WindowMode,
                    Augment = Get(augment) ?? c.Augment,
                    IncludeStreams = Get(streams) ?? c.IncludeStreams,
                    Sampler = Get(sampler) is { } spec ? SamplerOptions.Parse(spec) : c.Sampler,
                    LearningRate = Get(lr) ?? c.LearningRate,
                    WeightDecay = Get(weightDecay) ?? c.WeightDecay,
                    WarmupFraction = Get(warmup) ?? c.WarmupFraction,
                    ClipNorm = Get(clip) ?? c.ClipNorm,
                    Patience = Get(patience) ?? c.Patience,
                    DevMetric = Get(devMetric) is { } dm ? ParseDevMetric(dm).Metric : c.DevMetric,
                    DevFaPerHour = Get(devFaPerHour) ?? (Get(devMetric) is { } dmf ? ParseDevMetric(dmf).FaPerHour : null) ?? c.DevFaPerHour,
                    HardNegatives = Get(hardNegatives) is { } hn ? Path.GetFullPath(hn) : c.HardNegatives,
                    HardNegativeWeight = Get(hardNegativeWeight) ?? c.HardNegativeWeight,
                    InitFrom = Get(initFrom) is { } from ? Path.GetFullPath(from) : c.InitFrom,
                    Teachers = Get(teacher) is { Length: > 0 } teachers ? teachers.Select(Path.GetFullPath).ToList() : c.Teachers,
                    DistillWeight = Get(distillWeight) ?? c.DistillWeight,
                    Seed = Get(seed) ?? c.Seed,
                    Threads = Get(threads) ?? c.Threads,
                    Replicas = Get(replicas) ?? c.Replicas,
                    Device = Get(device) ?? c.Device,
                    Ship = Get(ship) ?? c.Ship,
                    EmaDecay = Get(emaDecay) ?? c.EmaDecay,
                    NoDev = Get(noDev) || c.NoDev,
                };
                if (Get(warp) is { } warpShare)
                {
                    c = c.WithAugmentation(a => a with { WarpProbability = warpShare });
                }
                if (Get(speed) is { } speedShare)
                {
                    c = c.WithAugmentation(a => a with { SpeedProbability = speedShare });
                }
                if (Get(epochWindows) is { } windows)
                {
                    c = c with
                    {
                        Sampler = (c.Sampler ?? throw new ArgumentException("--epoch-windows needs --sampler (or sampler in --config)")) with { EpochWindows = windows },
                    };
                }
                return c;
            }

            string runDir;
            TrainConfig c;
            if (parse.GetValue(resume) is { } resumeDir)
            {
                runDir = resumeDir;
                var path = Path.Combine(runDir, TrainingRun.ConfigFile);
                var recorded = TrainingRun.ReadConfig(path);
                if (!File.Exists(Path.Combine(runDir, Trainer.LastCheckpoint)))
                {
                    throw new FileNotFoundException($"{Path.Combine(runDir, Trainer.LastCheckpoint)}: no checkpoint to resume from");
                }
                foreach (var option in all.Where(o => !resumable.Contains(o) && parse.GetResult(o) is { Implicit: false }))
                {
                    var changes = option == config || option == output
                        ? [$"the run's {TrainingRun.ConfigFile} is its config"]
                        : RunFingerprint.ConfigChanges(recorded, Apply(recorded, o => o == option));
                    if (changes.Count > 0)
                    {
                        throw new UsageException($"--resume: {option.Name} conflicts with the run ({string.Join(", ", changes)}); " +
                                                 $"a resumed run keeps its settings except {string.Join(", ", resumable.Skip(1).SkipLast(1).Select(o => o.Name))}; " +
                                                 "train a new run (--out) to change it");
                    }
                }
                c = Apply(recorded, resumable.Contains);
            }
            else
            {
                runDir = parse.GetValue(output)!;
                c = Apply(parse.GetValue(config) is { } file ? UsageException.OfFlagFile("--config", () => TrainingRun.ReadConfig(file)) : new TrainConfig(), _ => true);
                if (string.IsNullOrEmpty(c.Data))
                {
                    throw new ArgumentException("--data (or data in --config) is required");
                }
            }
            var state = TrainConsole.Run(Path.GetFileName(Path.GetFullPath(runDir)),
                    (progress, loading) => LibTorchRetry.Run(() => TrainingRun.Run(c, runDir, progress, loading, default,
                        resume: parse.GetValue(resume) is not null, force: parse.GetValue(force))));
                var shipped = c.NoDev ? $"--no-dev: shipped the last epoch, {state.BestEpoch}"
                    : c.Ship == ShipEpoch.Last ? $"--ship last: shipped the last epoch, {state.BestEpoch}"
                    : $"best epoch {state.BestEpoch}";
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
