using System.Text.Json.Serialization;
using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;

namespace StreamingAnchor.Training;

/// <summary>
/// Everything a training run depends on. `sal train` flags and `--config file.json` fill the same record; the run
/// folder keeps the resolved one (train.json), which is also what `--resume` reads back.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>Manifest with train and dev splits.</summary>
    public string Data { get; init; } = "";

    /// <summary>kws | onset | trigger.</summary>
    public TaskKind Task { get; init; } = TaskKind.Kws;

    public ModelConfig Model { get; init; } = new();

    public LossConfig Loss { get; init; } = new();

    public int Epochs { get; init; } = 10;

    /// <summary>Optional cap on optimiser steps (the epoch in which it is reached ends early, then is evaluated and saved).</summary>
    public int? MaxSteps { get; init; }

    public int BatchSize { get; init; } = 16;

    /// <summary>Training window in seconds: clips longer than it are cut per <see cref="WindowMode"/> (null: whole clips).</summary>
    public double? WindowSeconds { get; init; }

    /// <summary>random: ceil(frames / window) seeded crops per clip, new each epoch; sliding: half-overlapping windows.</summary>
    public WindowMode WindowMode { get; init; } = WindowMode.Random;

    /// <summary>Seeded augmentation on training batches: <see cref="Augmentation"/>, or <see cref="DefaultAugmentation"/> when that is null.</summary>
    public bool Augment { get; init; }

    /// <summary>Augmentation settings used when <see cref="Augment"/> is on (a --config file can set noise, speed...).</summary>
    public AugmentOptions? Augmentation { get; init; }

    /// <summary>
    /// Balanced batches: each batch holds positives, confusables, other speech and background in these shares, an epoch
    /// being <see cref="SamplerOptions.EpochWindows"/> windows (docs/data.md, "Balanced batches"); null: every window once.
    /// </summary>
    public SamplerOptions? Sampler { get; init; }

    /// <summary>Feed the manifest's extra per-frame streams (e.g. accelerometer) after the mel bins; false trains audio only.</summary>
    public bool IncludeStreams { get; init; } = true;

    /// <summary>What `--augment` turns on: feature-domain parts only (no noise manifest needed, no audio re-read).</summary>
    public static AugmentOptions DefaultAugmentation { get; } = new()
    {
        GainProbability = 0.5,
        MaxShiftFrames = 10,
        TimeMasks = 2,
        FreqMasks = 2,
    };

    /// <summary>The augmentation the trainer applies, or null for none.</summary>
    public AugmentOptions? ResolvedAugmentation => Augment ? Augmentation ?? DefaultAugmentation : null;

    /// <summary>
    /// This config with <paramref name="change"/> applied to the augmentation already on (<see cref="ResolvedAugmentation"/>,
    /// or none), and augmentation on: `--warp` or `--speed` alone add only their part, beside `--augment` they join its preset.
    /// </summary>
    public TrainConfig WithAugmentation(Func<AugmentOptions, AugmentOptions> change) =>
        this with { Augment = true, Augmentation = change(ResolvedAugmentation ?? AugmentOptions.None) };

    /// <summary>
    /// The front end (frame geometry and filterbank) the run trains with and records as frontend.json; null: the
    /// default (<see cref="FbankConfig"/>: 25 ms windows every 10 ms at 16 kHz). A --config file sets a non-default
    /// hop with <c>"frontEnd": { "hopSamples": 320 }</c>; labels, windows, dev scoring and evaluation follow it.
    /// </summary>
    public FbankConfig? FrontEnd { get; init; }

    /// <summary>The front end this run trains with.</summary>
    [JsonIgnore]
    public FbankConfig ResolvedFrontEnd => FrontEnd ?? new FbankConfig();

    /// <summary>The run's frame grid (<see cref="ResolvedFrontEnd"/>'s).</summary>
    [JsonIgnore]
    public FrameClock Clock => FrameClock.Of(ResolvedFrontEnd);

    /// <summary>The training window in frames of the run's hop, or null for whole clips.</summary>
    public int? WindowFrames => WindowFramesOn(Clock);

    /// <summary>The training window in frames of <paramref name="clock"/> (a front end other than the run's), or null.</summary>
    public int? WindowFramesOn(FrameClock clock) => WindowSeconds is { } w ? clock.FramesOf(w) : null;

    public double LearningRate { get; init; } = 3e-3;

    public double WeightDecay { get; init; } = 0.01;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    /// <summary>Share of all optimiser steps spent warming up linearly.</summary>
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>Final learning rate as a share of the peak at the end of the cosine.</summary>
    public double MinLearningRateRatio { get; init; } = 0.05;

    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Stop after this many epochs without a better dev metric (0 = never stop early).</summary>
    public int Patience { get; init; } = 0;

    /// <summary>
    /// Dev metric that picks the best checkpoint: eer | frr (at <see cref="DevFaPerHour"/>) | loss. Lower is better. eer
    /// and frr score the dev split as `sal eval` does (same detector rules, look-ahead delay; docs/models.md).
    /// </summary>
    public DevMetric DevMetric { get; init; } = DevMetric.Eer;

    /// <summary>The false-alarm budget (per hour of dev audio) at which <see cref="DevMetric.Frr"/> is read; null: 1.</summary>
    public double? DevFaPerHour { get; init; }

    /// <summary><see cref="DevFaPerHour"/> or its default, 1 FA/h.</summary>
    [JsonIgnore]
    public double ResolvedDevFaPerHour => DevFaPerHour ?? 1.0;

    /// <summary>The dev metric as printed and recorded: eer, loss or frr@X (X false alarms per hour).</summary>
    [JsonIgnore]
    public string DevMetricName => DevMetric switch
    {
        DevMetric.Frr => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"frr@{ResolvedDevFaPerHour:0.###}"),
        DevMetric.Loss => "loss",
        _ => "eer",
    };

    /// <summary>
    /// Train without a dev split: every epoch runs (no early stopping) and the last epoch is the one shipped. Without
    /// it a manifest with no dev split is refused, unless <see cref="DevMetric"/> is loss (then the training loss picks).
    /// </summary>
    public bool NoDev { get; init; }

    /// <summary>
    /// Which epoch ships: the best by <see cref="DevMetric"/> (default) or the last, the dev split still scored and
    /// recorded each epoch. <see cref="NoDev"/> always ships the last.
    /// </summary>
    public ShipEpoch Ship { get; init; } = ShipEpoch.Best;

    /// <summary>Whether the last epoch ships whatever the dev split says: <see cref="NoDev"/> or <see cref="Ship"/> last.</summary>
    [JsonIgnore]
    public bool ShipsLastEpoch => NoDev || Ship == ShipEpoch.Last;

    /// <summary>
    /// Keep an exponential moving average of the weights with this decay per optimiser step (0.998 spans about 500 steps)
    /// and score the dev split with it, ship it and checkpoint it (<see cref="WeightAverage"/>); null: no average, the
    /// weights of the chosen epoch ship as trained.
    /// </summary>
    public double? EmaDecay { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>A manifest of mined hard negatives (`sal mine`) added to every epoch's training batches; null: none.</summary>
    public string? HardNegatives { get; init; }

    /// <summary>How often each hard negative is seen per epoch (fractions allowed); null: 1.</summary>
    public double? HardNegativeWeight { get; init; }

    /// <summary>
    /// Fine-tuning: a run folder whose shipped weights (weights.dat) and normaliser start this run instead of a random
    /// initialisation and a normaliser fitted here; the optimiser and the schedule start fresh. The model settings must
    /// match that run's. null: train from scratch.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>
    /// Knowledge distillation: run folders (trained on the same corpus, so the same features) whose mean posteriors are
    /// soft targets for this run (<see cref="TeacherEnsemble"/>); null or empty: none.
    /// </summary>
    public IReadOnlyList<string>? Teachers { get; init; }

    /// <summary>Weight of the distillation term added to the loss (null: 1); needs <see cref="Teachers"/>.</summary>
    public double? DistillWeight { get; init; }

    /// <summary>Whether this run distils from teachers.</summary>
    [JsonIgnore]
    public bool Distils => Teachers is { Count: > 0 };

    /// <summary>Torch intra-op threads (0 = the default, <see cref="TorchRuntime.DefaultThreads"/>: 1).</summary>
    public int Threads { get; init; }

    public int ResolvedThreads => Threads > 0 ? Threads : TorchRuntime.DefaultThreads();

    /// <summary>
    /// Data-parallel replicas (null = 1, the plain single-model loop): each batch is cut into this many fixed shards,
    /// each run forward and backward by its own copy of the model on its own OS thread with one libtorch thread, and
    /// the gradients are summed in shard order into the model before one optimizer step (<see cref="ReplicaGroup"/>).
    /// Unlike <see cref="Threads"/> it is in the run's fingerprint: dropout masks and the gradient's rounding depend on
    /// it, so a resume with another count could not replay the uninterrupted run.
    /// </summary>
    public int? Replicas { get; init; }

    [JsonIgnore]
    public int ResolvedReplicas => Replicas ?? 1;

    /// <summary>
    /// The torch device training runs on: "cpu" (default) or "cuda" / "cuda:N". A setting, not a code path, so a CUDA
    /// build is a package swap (a CUDA libtorch package instead of the CPU one); the CPU package refuses "cuda" up front.
    /// Like <see cref="Threads"/> it is where a run computes, not what it computes, so it is not in the run's fingerprint.
    /// </summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// This (recorded) config with the settings a resumed run may change taken from <paramref name="next"/>: the epoch
    /// count (a larger one continues the run, the learning-rate schedule then spanning the new total), threads and device.
    /// </summary>
    public TrainConfig WithResumable(TrainConfig next) => this with { Epochs = next.Epochs, Threads = next.Threads, Device = next.Device };

    /// <summary>Throws a one-line ArgumentException naming the first bad option.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Task))
        {
            throw new ArgumentException($"unknown task '{Task}' (expected {EnumNames.Expected<TaskKind>()})");
        }
        Loss.Validate();
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (MaxSteps is < 1) throw new ArgumentException($"max steps must be at least 1, got {MaxSteps}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (WeightDecay < 0 || !double.IsFinite(WeightDecay)) throw new ArgumentException($"weight decay must be >= 0, got {WeightDecay}");
        // NaN slips through range patterns (every comparison is false) and would only fail later, when train.json is
        // written, with a serializer message: check finiteness here, naming the option.
        if (!double.IsFinite(WarmupFraction) || WarmupFraction is < 0 or >= 1) throw new ArgumentException($"warm-up fraction must be in [0,1), got {WarmupFraction}");
        if (!double.IsFinite(MinLearningRateRatio) || MinLearningRateRatio is < 0 or > 1) throw new ArgumentException($"minimum learning-rate ratio must be in [0,1], got {MinLearningRateRatio}");
        if (ClipNorm < 0 || !double.IsFinite(ClipNorm)) throw new ArgumentException($"gradient clip must be >= 0, got {ClipNorm}");
        if (Patience < 0) throw new ArgumentException($"patience must be >= 0, got {Patience}");
        if (!Enum.IsDefined(DevMetric))
        {
            throw new ArgumentException($"unknown dev metric '{DevMetric}' (expected eer, frr or loss)");
        }
        if (DevFaPerHour is { } fa && !(fa > 0 && double.IsFinite(fa)))
        {
            throw new ArgumentException($"dev false-alarm budget must be a positive number per hour, got {fa}");
        }
        if (!Enum.IsDefined(Ship))
        {
            throw new ArgumentException($"unknown epoch to ship '{Ship}' (expected best or last)");
        }
        if (Ship == ShipEpoch.Last && Patience > 0)
        {
            throw new ArgumentException($"patience {Patience} stops on the best epoch, which --ship last does not use; set patience to 0 or ship best");
        }
        if (EmaDecay is { } ema && !(ema is > 0 and < 1))
        {
            throw new ArgumentException($"ema decay (--ema-decay, emaDecay) must be in (0, 1), e.g. 0.998; got {ema}");
        }
        if (NoDev && Patience > 0) throw new ArgumentException($"patience {Patience} needs a dev split to watch; drop --no-dev or set patience to 0");
        if (HardNegativeWeight is { } hw && !(hw > 0 && double.IsFinite(hw)))
        {
            throw new ArgumentException($"hard-negative weight must be positive, got {hw}");
        }
        if (HardNegativeWeight is not null && HardNegatives is null)
        {
            throw new ArgumentException("a hard-negative weight needs a hard-negative manifest (--hard-negatives)");
        }
        if (DistillWeight is { } dw && !(dw > 0 && double.IsFinite(dw)))
        {
            throw new ArgumentException($"distillation weight (--distill-weight, distillWeight) must be positive, got {dw}");
        }
        if (DistillWeight is not null && !Distils)
        {
            throw new ArgumentException("a distillation weight needs teachers (--teacher RUN, repeatable)");
        }
        if (Distils && Replicas is > 1)
        {
            throw new ArgumentException($"distillation runs its teachers in the single-model loop; drop replicas {Replicas}");
        }
        if (Threads < 0) throw new ArgumentException($"threads must be >= 0, got {Threads}");
        if (Replicas is < 1) throw new ArgumentException($"replicas must be at least 1, got {Replicas}");
        if (ResolvedReplicas > 1 && Threads > 1)
        {
            throw new ArgumentException($"replicas {Replicas} run one libtorch thread each; drop threads {Threads} (replicas x threads would oversubscribe the cores)");
        }
        if (!System.Text.RegularExpressions.Regex.IsMatch(Device, "^(cpu|cuda(:[0-9]+)?)$"))
        {
            throw new ArgumentException($"unknown device '{Device}' (expected cpu, cuda or cuda:N)");
        }
        if (ResolvedReplicas > 1 && Device != "cpu")
        {
            throw new ArgumentException($"replicas {Replicas} split a batch across CPU threads; train on {Device} with one replica");
        }
        if (WindowSeconds is { } w && !(w > 0 && double.IsFinite(w))) throw new ArgumentException($"window must be a positive number of seconds, got {w}");
        if (!double.IsFinite(Beta1) || !double.IsFinite(Beta2) || Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1)
        {
            throw new ArgumentException($"Adam betas must be in [0,1), got {Beta1} and {Beta2}");
        }
        Model.Validate();
        if (!Enum.IsDefined(WindowMode)) throw new ArgumentException($"unknown window mode '{WindowMode}' (expected random or sliding)");
        ResolvedAugmentation?.Validate();
        Sampler?.Validate();
        try
        {
            FrontEnd?.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"frontEnd: {e.Message} (window and hop in samples)", e);
        }
    }
}
