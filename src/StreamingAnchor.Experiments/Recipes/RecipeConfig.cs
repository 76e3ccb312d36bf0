using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamingAnchor.Anchors;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Recipes;

/// <summary>
/// Every setting of `sal recipe`, flat so a config file overrides them key by key. <see cref="For"/> gives a kind's
/// defaults (docs/recipes.md says why each was chosen); <see cref="Resolve"/> lays a `--config` file and the given flags
/// over them, in that order. The resolved record is written to the output folder as recipe.json, which `--config`
/// reads back. Sizes (hours, epochs, rounds) are all settings, so tests run the same recipe at a tiny size.
/// </summary>
public sealed record RecipeConfig
{
    /// <summary>Settings that decide where and how fast the recipe computes, not what it computes: never a reason to redo a stage.</summary>
    private static readonly string[] Placement = [nameof(Workers), nameof(Threads), nameof(SourceCache)];

    public RecipeKind Kind { get; init; } = RecipeKind.Kws;

    /// <summary>The keyword (kws); unused by onset.</summary>
    public string Keyword { get; init; } = "hey jarvis";

    /// <summary>
    /// Approximate hours of audio to synthesise (half of it long negative streams, see <see cref="LongFraction"/>). The kws
    /// default of 20 h is the largest corpus whose recipe fits the 45 min budget on 2 cores with 10 epochs, and gives dev
    /// selection more than an hour of negatives (docs/recipes.md, "Time").
    /// </summary>
    public double Hours { get; init; } = 20;

    /// <summary>Exact number of streams instead of <see cref="Hours"/> (then no long streams): tests make tiny corpora with it.</summary>
    public int? Clips { get; init; }

    public double ClipSeconds { get; init; } = 8;

    /// <summary>kws: share of the short streams that say the keyword, the rest negatives (`sal synth --positive-fraction`); onset ignores it.</summary>
    public double PositiveFraction { get; init; } = 0.5;

    /// <summary>kws: which one-phoneme edits of the keyword become near misses (`sal synth --near-misses`); onset ignores it.</summary>
    public NearMissRule NearMisses { get; init; }

    /// <summary>kws: share of keywords said from an accent-shaped edit of the keyword (`sal synth --keyword-accents`); onset ignores it.</summary>
    public double KeywordAccents { get; init; }

    /// <summary>Share of <see cref="Hours"/> rendered as 60-180 s negative streams (dev and test get most: the FA/h denominators).</summary>
    public double LongFraction { get; init; } = 0.5;

    public IReadOnlyList<string> Engines { get; init; } = new SynthConfig { OutputDirectory = "" }.Engines;

    /// <summary>Real speech, music and noise packages (names of the catalogue, docs/data.md); empty for generated noise only.</summary>
    public IReadOnlyList<string> Sources { get; init; } = new SynthConfig { OutputDirectory = "" }.Sources;

    /// <summary>Download/extract/decode cache of the real sources; null: sal synth's default (~/.cache/streaminganchor/sources).</summary>
    public string? SourceCache { get; init; }

    /// <summary>Synthesis workers (do not change the corpus).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Seed of the corpus and of every training.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Model family: gru | lstm | tcn | dscnn | crnn.</summary>
    public ModelFamily Model { get; init; } = ModelFamily.Tcn;

    public ModelSize Preset { get; init; } = ModelSize.Small;

    /// <summary>Width override of the preset (channels of a TCN, units of a GRU); null: the preset's.</summary>
    public int? Hidden { get; init; } = 48;

    /// <summary>Dropout between the model's layers while training (0: none).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Time constant in frames of a running mean subtracted from the model's input (`sal train --running-mean`); 0: none,
    /// which is also what a recipe.json written before the setting existed means (it has no such key).
    /// </summary>
    public int RunningMean { get; init; }

    /// <summary>Seeded feature-domain augmentation of training batches (`sal train --augment`: gain, time shift, SpecAugment).</summary>
    public bool Augment { get; init; }

    /// <summary>
    /// Share of training windows given a vocal tract length perturbation (`sal train --warp`, <see cref="AugmentOptions.WarpProbability"/>,
    /// factor 0.9-1.1), on top of <see cref="Augment"/>'s parts when that is on; 0: none.
    /// </summary>
    public double Warp { get; init; }

    /// <summary>ce | focal | sal | sa+fl | safl | maxpool (exponential kernel).</summary>
    public LossKind Loss { get; init; } = LossKind.SaPlusFl;

    public double Tau { get; init; } = 8;

    public double Lambda { get; init; } = 4;

    public double Gamma { get; init; } = 2;

    /// <summary>sal, sa+fl, safl: the significance also peaks where each marked near miss ends (<see cref="LossConfig.NearMissAnchors"/>).</summary>
    public bool NearMissAnchors { get; init; }

    /// <summary>Which epoch the training and fine-tune stages ship (`sal train --ship`): the best by dev FRR, or the last.</summary>
    public ShipEpoch Ship { get; init; } = ShipEpoch.Best;

    /// <summary>Which trained run the recipe evaluates and exports: the dev split's choice, or the last fine-tune.</summary>
    public ShipRun ShipRun { get; init; } = ShipRun.Dev;

    /// <summary>The training and fine-tune stages ship a moving average of the weights with this decay per step (`sal train --ema-decay`); null: none.</summary>
    public double? EmaDecay { get; init; }

    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 64;

    /// <summary>Training crop in seconds.</summary>
    public double WindowSeconds { get; init; } = 2.5;

    /// <summary>Balanced batches: "default", kind=share,... (`sal train --sampler`), or "none" for plain shuffled windows.</summary>
    public string Sampler { get; init; } = "default";

    /// <summary>Windows per epoch with the sampler; null: one pass of the train split's windows.</summary>
    public int? EpochWindows { get; init; }

    public double LearningRate { get; init; } = 3e-3;

    /// <summary>The best epoch (and the shipped run) is picked by dev FRR at this many false alarms per hour of dev audio.</summary>
    public double DevFaPerHour { get; init; } = 1;

    /// <summary>Torch threads (0: the default, 1).</summary>
    public int Threads { get; init; }

    /// <summary>Rounds of mining then fine-tuning (0: none).</summary>
    public int MineRounds { get; init; } = 1;

    /// <summary>Mining operating point: the most permissive threshold with at most this many false alarms per hour of the pool.</summary>
    public double MineFaPerHour { get; init; } = 20;

    /// <summary>Times each mined window is seen per fine-tuning epoch.</summary>
    public double HardNegativeWeight { get; init; } = 2;

    public int FineTuneEpochs { get; init; } = 3;

    /// <summary>Peak learning rate of a fine-tune (lower than training's: it starts from a trained model).</summary>
    public double FineTuneLearningRate { get; init; } = 1e-3;

    /// <summary>False-alarm budgets the test split is reported at and the model card's thresholds are read at.</summary>
    public IReadOnlyList<double> FaPerHour { get; init; } = [0.5, 1, 2];

    /// <summary>The model card's licence line; null: one naming the corpus's TTS engines and real packages with their licences.</summary>
    public string? Licence { get; init; }

    /// <summary>
    /// A kind's defaults. kws: a 58k-parameter TCN (48 channels) with SA+FL, the lowest kws FRR at 1 and 10 FA/h in the
    /// docs/results.md grid, and batches with twice the default share of confusables (<see cref="KwsSampler"/>); onset: a 20k-parameter TCN (28 channels) with SAL, the TCN's best onset loss there, its
    /// best epoch picked at 5 false onsets/h (the onset target) and also reported there, on a 20 h corpus for 8 epochs
    /// (fewer misses at every budget than the 4 h, 20-epoch recipe on the same test split: docs/recipes.md, "Time"), and
    /// shipping its mining round's fine-tune, which missed fewer onsets than its base at every budget in three seeds
    /// where dev chose it in one (<see cref="ShipRun.FineTune"/>).
    /// </summary>
    public static RecipeConfig For(RecipeKind kind) => kind switch
    {
        RecipeKind.Onset => new RecipeConfig
        {
            Kind = RecipeKind.Onset,
            Hours = 20,
            Epochs = 8,
            FineTuneEpochs = 5,
            Hidden = 28,
            Loss = LossKind.Sal,
            DevFaPerHour = 5,
            ShipRun = ShipRun.FineTune,
            FaPerHour = [0.5, 1, 2, 5],
        },
        _ => new RecipeConfig { Sampler = KwsSampler, RunningMean = KwsRunningMean },
    };

    /// <summary>
    /// The kws recipe's running mean: 0.3 s, which missed fewer keywords than none at every budget in each of three seeds
    /// on the kws test split, where 1 s and 3 s gained less, and which dev preferred to 0.15 s in each seed (docs/results.md,
    /// "A running mean of the input"). Onset keeps none: there 1 s and 0.3 s missed more onsets.
    /// </summary>
    public const int KwsRunningMean = 30;

    /// <summary>
    /// The kws recipe's balanced batches: twice the default share of confusables, fewer of other speech and background
    /// (docs/results.md, "Near misses in training": lower FRR at 5 and 10 FA/h for CE and SAL in each of three seeds).
    /// </summary>
    public const string KwsSampler = "positive=0.3,confusable=0.4,speech=0.15,background=0.15";

    /// <summary>
    /// The kind's defaults, then the keys of <paramref name="configFile"/> (read strictly: an unknown key, a wrong type
    /// or null is one error naming the file, line and field), then <paramref name="overrides"/> (the flags given, keyed
    /// by their JSON names); validated.
    /// </summary>
    public static RecipeConfig Resolve(RecipeKind kind, string? configFile, JsonObject? overrides)
    {
        var merged = JsonSerializer.SerializeToNode(For(kind), ProjectJson.Options)!.AsObject();
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new FileNotFoundException($"{configFile}: recipe config not found", configFile);
            }
            var text = File.ReadAllText(configFile);
            var fromFile = StrictJson.Deserialize<RecipeConfig>(text, ProjectJson.Strict, configFile, "recipe config");
            if (JsonNode.Parse(text) is JsonObject keys)
            {
                if (keys.ContainsKey(JsonName(nameof(Kind))) && fromFile.Kind != kind)
                {
                    throw new InvalidDataException(
                        $"{configFile}: field 'kind' is {fromFile.Kind.Name()} but this is `sal recipe {kind.Name()}`; use `sal recipe {fromFile.Kind.Name()}` or drop the field");
                }
                foreach (var (key, value) in keys)
                {
                    merged[key] = value?.DeepClone();
                }
            }
        }
        foreach (var (key, value) in overrides ?? [])
        {
            merged[key] = value?.DeepClone();
        }
        merged[JsonName(nameof(Kind))] = kind.Name();
        var config = StrictJson.Deserialize<RecipeConfig>(merged.ToJsonString(ProjectJson.Options), ProjectJson.Strict, configFile ?? "the recipe's flags", "recipe config");
        config.Validate();
        return config;
    }

    /// <summary>Reads a recipe.json (an output folder's record) strictly.</summary>
    public static RecipeConfig Read(string path) =>
        StrictJson.Deserialize<RecipeConfig>(File.ReadAllText(path), ProjectJson.Strict, path, "recipe config");

    public string ToJson() => JsonSerializer.Serialize(this, ProjectJson.Options);

    /// <summary>The JSON key of a property (camelCase), as a config file and the flags' overrides name it.</summary>
    public static string JsonName(string property) => JsonNamingPolicy.CamelCase.ConvertName(property);

    /// <summary>Throws a one-line ArgumentException naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"unknown recipe kind '{Kind}' (expected kws or onset)");
        if (Kind == RecipeKind.Kws && string.IsNullOrWhiteSpace(Keyword)) throw new ArgumentException("keyword: a kws recipe needs a keyword");
        if (!(Hours > 0 && double.IsFinite(Hours))) throw new ArgumentException($"hours must be a positive number, got {Hours}");
        if (Clips is < 1) throw new ArgumentException($"clips must be at least 1, got {Clips}");
        if (!(ClipSeconds > 0 && double.IsFinite(ClipSeconds))) throw new ArgumentException($"clip seconds must be positive, got {ClipSeconds}");
        if (!(PositiveFraction is >= 0 and <= 1)) throw new ArgumentException($"positive fraction must be in [0, 1], got {PositiveFraction}");
        if (!(KeywordAccents is >= 0 and <= 1)) throw new ArgumentException($"keyword accents must be in [0, 1], got {KeywordAccents}");
        if (!(LongFraction is >= 0 and < 1)) throw new ArgumentException($"long fraction must be in [0,1), got {LongFraction}");
        if (Engines.Count == 0) throw new ArgumentException("engines: at least one TTS engine is needed");
        if (Workers < 1) throw new ArgumentException($"workers must be at least 1, got {Workers}");
        if (MineRounds < 0) throw new ArgumentException($"mine rounds must be >= 0, got {MineRounds}");
        if (!(MineFaPerHour > 0 && double.IsFinite(MineFaPerHour))) throw new ArgumentException($"mining false-alarm budget must be positive, got {MineFaPerHour}");
        _ = ModelConfig.RunningMeanFromSetting(RunningMean, "running mean");
        if (!(Warp is >= 0 and <= 1)) throw new ArgumentException($"warp must be a probability in [0, 1], got {Warp}");
        if (FineTuneEpochs < 1) throw new ArgumentException($"fine-tune epochs must be at least 1, got {FineTuneEpochs}");
        if (FaPerHour.Count == 0 || FaPerHour.Any(f => !(f > 0 && double.IsFinite(f))))
        {
            throw new ArgumentException($"false-alarm budgets must be positive numbers per hour, got [{string.Join(", ", FaPerHour)}]");
        }
        // The training settings are checked where training checks them, before any synthesis starts.
        var train = TrainConfig("check.jsonl");
        train.Validate();
        (train with { InitFrom = "base", HardNegatives = "mined.jsonl", HardNegativeWeight = HardNegativeWeight, Epochs = FineTuneEpochs, LearningRate = FineTuneLearningRate }).Validate();
        using var model = ModelFactory.Create(train.Model, 40, 1);
    }

    /// <summary>The corpus settings.</summary>
    public SynthConfig SynthConfig(string outputDirectory, bool force) => new()
    {
        Task = Kind == RecipeKind.Onset ? SynthTask.Onset : SynthTask.Kws,
        OutputDirectory = outputDirectory,
        Hours = Hours,
        Clips = Clips,
        ClipSeconds = ClipSeconds,
        PositiveFraction = PositiveFraction,
        NearMisses = NearMisses,
        KeywordAccents = KeywordAccents,
        Seed = Seed,
        Keyword = Keyword,
        Engines = Engines,
        Sources = Sources,
        SourceCacheDirectory = SourceCache ?? new SynthConfig { OutputDirectory = "" }.SourceCacheDirectory,
        LongFraction = LongFraction,
        Workers = Workers,
        Force = force,
    };

    /// <summary>The model both trainings build (a method, so recipe.json does not carry it twice).</summary>
    public ModelConfig ModelSettings() =>
        new() { Family = Model, Preset = Preset, Hidden = Hidden, Dropout = Dropout, RunningMeanFrames = ModelConfig.RunningMeanFromSetting(RunningMean, "running mean") };

    /// <summary>The base training run's settings on <paramref name="manifest"/>.</summary>
    public TrainConfig TrainConfig(string manifest)
    {
        var train = new TrainConfig
        {
            Data = manifest,
            Task = Kind == RecipeKind.Onset ? TaskKind.Onset : TaskKind.Kws,
            Model = ModelSettings(),
            Augment = Augment,
            Loss = new LossConfig { Kind = Loss, Kernel = KernelShape.Exponential, Tau = Tau, Lambda = Lambda, Gamma = Gamma, NearMissAnchors = NearMissAnchors },
            Epochs = Epochs,
            BatchSize = BatchSize,
            WindowSeconds = WindowSeconds,
            Sampler = Sampler.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                : SamplerOptions.Parse(Sampler) with { EpochWindows = EpochWindows },
            LearningRate = LearningRate,
            DevMetric = DevMetric.Frr,
            DevFaPerHour = DevFaPerHour,
            Ship = Ship,
            EmaDecay = EmaDecay,
            Seed = Seed,
            Threads = Threads,
        };
        return Warp > 0 ? train.WithAugmentation(a => a with { WarpProbability = Warp }) : train;
    }

    /// <summary>A fine-tune of <paramref name="initFrom"/> with the mined windows: the base settings, fewer epochs, a lower rate.</summary>
    public TrainConfig FineTuneConfig(string manifest, string initFrom, string hardNegatives) => TrainConfig(manifest) with
    {
        Epochs = FineTuneEpochs,
        LearningRate = FineTuneLearningRate,
        InitFrom = initFrom,
        HardNegatives = hardNegatives,
        HardNegativeWeight = HardNegativeWeight,
    };

    /// <summary>The settings a stage's output depends on (besides the stages before it), by property name.</summary>
    public static IReadOnlyList<string> SettingsOf(RecipeStage stage) => stage switch
    {
        RecipeStage.Synth => [nameof(Kind), nameof(Keyword), nameof(Hours), nameof(Clips), nameof(ClipSeconds), nameof(PositiveFraction), nameof(NearMisses), nameof(KeywordAccents), nameof(LongFraction), nameof(Engines),
            nameof(Sources), nameof(Seed)],
        RecipeStage.Train => [nameof(Model), nameof(Preset), nameof(Hidden), nameof(Dropout), nameof(RunningMean), nameof(Augment), nameof(Warp), nameof(Loss), nameof(Tau), nameof(Lambda), nameof(Gamma), nameof(NearMissAnchors), nameof(Epochs),
            nameof(BatchSize), nameof(WindowSeconds), nameof(Sampler), nameof(EpochWindows), nameof(LearningRate), nameof(DevFaPerHour), nameof(Ship), nameof(EmaDecay), nameof(Seed)],
        RecipeStage.Mine => [nameof(MineFaPerHour), nameof(HardNegativeWeight)],
        RecipeStage.FineTune => [nameof(FineTuneEpochs), nameof(FineTuneLearningRate), nameof(HardNegativeWeight)],
        RecipeStage.Eval => [nameof(FaPerHour), nameof(ShipRun)],
        _ => [nameof(FaPerHour), nameof(Licence)],
    };

    /// <summary>
    /// A step's key: a hash of its settings chained to the previous step's key, so changing a setting redoes the stage
    /// that uses it and every stage after it, and nothing before.
    /// </summary>
    public string StepKey(RecipeStep step, string previousKey)
    {
        var all = JsonSerializer.SerializeToNode(this, ProjectJson.Options)!.AsObject();
        var used = new JsonObject { ["step"] = step.Name, ["after"] = previousKey };
        foreach (var name in SettingsOf(step.Stage))
        {
            var value = all[JsonName(name)];
            if (LateSettings.Contains(name) && JsonNode.DeepEquals(value, LateDefaults[JsonName(name)]))
            {
                continue;
            }
            used[JsonName(name)] = value?.DeepClone();
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(used.ToJsonString())))[..16];
    }

    // Settings added after recipes were shipped count in a step's key only when they differ from their default, so a
    // folder made before them keeps its keys (and its stages).
    private static readonly string[] LateSettings = [nameof(PositiveFraction), nameof(NearMisses), nameof(KeywordAccents), nameof(NearMissAnchors), nameof(Ship), nameof(EmaDecay), nameof(Warp), nameof(RunningMean), nameof(ShipRun)];
    private static readonly JsonObject LateDefaults = JsonSerializer.SerializeToNode(new RecipeConfig(), ProjectJson.Options)!.AsObject();

    /// <summary>The settings that differ from <paramref name="recorded"/> as "name old -> new" (placement settings left out).</summary>
    public IReadOnlyList<string> Changes(RecipeConfig recorded)
    {
        var now = JsonSerializer.SerializeToNode(this, ProjectJson.Options)!.AsObject();
        var then = JsonSerializer.SerializeToNode(recorded, ProjectJson.Options)!.AsObject();
        var skip = Placement.Select(JsonName).ToHashSet(StringComparer.Ordinal);
        return now.Select(p => p.Key).Union(then.Select(p => p.Key)).Where(k => !skip.Contains(k))
            .Where(k => !JsonNode.DeepEquals(now[k], then[k]))
            .Select(k => $"{k} {Show(then[k])} -> {Show(now[k])}")
            .ToList();
    }

    private static string Show(JsonNode? node) => node is null ? "unset" : node.ToJsonString();

    /// <summary>The card's licence line when none is given: what the training data was made from, with the packages' licences.</summary>
    public string DataLicence()
    {
        var packages = Sources.Select(RealSourceCatalog.Get).Select(s => $"{s.Package} ({s.Licence})").Distinct().ToList();
        return (
            $"model trained by sal recipe on synthetic audio: TTS voices of {string.Join(", ", Engines)} (their own licences) mixed with generated noise" +
            (packages.Count > 0 ? $" and real recordings from the Debian packages {string.Join(", ", packages)}" : "") +
            "; no licence for the model itself was given (--licence)");
    }
}
