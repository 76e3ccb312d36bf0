using StreamingAnchor.Anchors;
using StreamingAnchor.Cluster;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// A grid: every model family x loss (x sweep value) x seed is trained on the same data with the same budget and
/// evaluated on the test split like `sal eval`. Recorded as experiment.json in the output folder.
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>kws | onset | trigger.</summary>
    public TaskKind Task { get; init; } = TaskKind.Kws;

    /// <summary>Manifest with train, dev and test splits.</summary>
    public string Data { get; init; } = "";

    public IReadOnlyList<ModelFamily> Models { get; init; } = [ModelFamily.Gru, ModelFamily.Tcn];

    public IReadOnlyList<LossKind> Losses { get; init; } = Enum.GetValues<LossKind>();

    /// <summary>Seeds FirstSeed .. FirstSeed + Seeds - 1 (model initialisation and data order).</summary>
    public int Seeds { get; init; } = 1;

    public int FirstSeed { get; init; } = 1;

    /// <summary>Model size preset of every family.</summary>
    public ModelSize Preset { get; init; } = ModelSize.Small;

    public ExperimentBudget Budget { get; init; } = new();

    /// <summary>Loss options shared by every cell (the kind and the swept parameter are set per cell).</summary>
    public LossConfig Loss { get; init; } = new();

    public ExperimentSweep? Sweep { get; init; }

    public int BatchSize { get; init; } = 16;

    public double? WindowSeconds { get; init; }

    public double LearningRate { get; init; } = 3e-3;

    /// <summary>The preset's width overridden for every family (null: the preset's).</summary>
    public int? Hidden { get; init; }

    /// <summary>Balanced batches for every cell (null: plain windows, as `sal train` without --sampler).</summary>
    public SamplerOptions? Sampler { get; init; }

    /// <summary>What picks each cell's best epoch on the dev split (as `sal train --dev-metric`).</summary>
    public DevMetric DevMetric { get; init; } = DevMetric.Eer;

    /// <summary>The dev budget at which <see cref="DevMetric.Frr"/> is read (null: 1 FA/h).</summary>
    public double? DevFaPerHour { get; init; }

    /// <summary>Which epoch each cell ships: the best by <see cref="DevMetric"/> or the last (as `sal train --ship`).</summary>
    public ShipEpoch Ship { get; init; } = ShipEpoch.Best;

    /// <summary>Each cell scores, checkpoints and ships a moving average of its weights with this decay (as `sal train --ema-decay`); null: none.</summary>
    public double? EmaDecay { get; init; }

    /// <summary>False alarms per hour (onset: false onsets per hour) at which FRR and latency are compared.</summary>
    public double FaPerHour { get; init; } = 1.0;

    /// <summary>Torch threads per cell (0 = the default, 1); not part of a cell's identity.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// What each Slurm array task asks for when the grid is submitted with `--submit slurm`; kept here so a
    /// resubmission asks for the same without repeating the flags. Not part of a cell's identity. Null = run locally.
    /// </summary>
    public SlurmResources? Slurm { get; init; }

    public bool IsOnset => Task == TaskKind.Onset;

    /// <summary>Throws a one-line ArgumentException naming the first bad option.</summary>
    public void Validate()
    {
        if (Models.Count == 0) throw new ArgumentException("--models lists no model");
        if (Losses.Count == 0) throw new ArgumentException("--losses lists no loss");
        foreach (var m in Models)
        {
            ModelPreset.Get(m, Preset);
        }
        if (!Enum.IsDefined(Task)) throw new ArgumentException($"unknown task '{Task}' (expected {EnumNames.Expected<TaskKind>()})");
        if (Seeds < 1) throw new ArgumentException($"--seeds must be at least 1, got {Seeds}");
        if (!(FaPerHour > 0) || !double.IsFinite(FaPerHour)) throw new ArgumentException($"--fa-per-hour must be positive, got {FaPerHour}");
        Sweep?.Validate();
        foreach (var cell in Cells())
        {
            TrainConfigOf(cell).Validate();
        }
    }

    /// <summary>The grid in run order: model, then loss, then sweep value, then seed.</summary>
    public IReadOnlyList<ExperimentCell> Cells()
    {
        var cells = new List<ExperimentCell>();
        foreach (var model in Models.Distinct())
        {
            foreach (var loss in Losses.Distinct())
            {
                IReadOnlyList<double?> values = Sweep is { } s && s.Affects(Loss with { Kind = loss })
                    ? s.Values.Select(v => (double?)v).ToList()
                    : [null];
                foreach (var value in values)
                {
                    for (var seed = FirstSeed; seed < FirstSeed + Seeds; seed++)
                    {
                        cells.Add(new ExperimentCell(model, loss, seed, value is null ? null : Sweep!.Parameter, value));
                    }
                }
            }
        }
        return cells;
    }

    /// <summary>The `sal train` config of one cell; everything but the model, loss, sweep value and seed is shared.</summary>
    public TrainConfig TrainConfigOf(ExperimentCell cell)
    {
        // Near-miss anchors shape a significance, so the losses without one train as the baselines they are.
        var loss = Loss with { Kind = cell.Loss, NearMissAnchors = Loss.NearMissAnchors && cell.Loss.HasSignificance() };
        if (cell.SweepValue is { } v)
        {
            loss = Sweep!.Apply(loss, v);
        }
        return new TrainConfig
        {
            Data = Data,
            Task = Task,
            Model = new ModelConfig { Family = cell.Model, Preset = Preset, Hidden = Hidden },
            Loss = loss,
            Epochs = Budget.Epochs,
            MaxSteps = Budget.MaxSteps,
            BatchSize = BatchSize,
            WindowSeconds = WindowSeconds,
            LearningRate = LearningRate,
            Sampler = Sampler,
            DevMetric = DevMetric,
            DevFaPerHour = DevFaPerHour,
            Ship = Ship,
            EmaDecay = EmaDecay,
            Seed = cell.Seed,
            Threads = Threads,
        };
    }
}
