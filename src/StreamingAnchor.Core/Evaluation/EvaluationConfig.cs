using StreamingAnchor.Anchors;

namespace StreamingAnchor.Evaluation;

/// <summary>Everything a streaming evaluation depends on: the detector, the hit rule, the sweep and the reported targets.</summary>
public sealed record EvaluationConfig
{
    public DetectorConfig Detector { get; init; } = new();

    public MatchConfig Match { get; init; } = new();

    /// <summary>False alarms (or false onsets) per hour at which FRR (miss rate) and latency are reported.</summary>
    public IReadOnlyList<double> FaPerHourTargets { get; init; } = [0.5, 1.0];

    /// <summary>Thresholds of the DET sweep; null = <see cref="DefaultThresholds"/>, refined near every target.</summary>
    public IReadOnlyList<double>? Thresholds { get; init; }

    /// <summary>
    /// With the default sweep, how many times the two sweep points around each false-alarm target (one above it, the
    /// next threshold up within it) are split in half, each half evaluated and added to the curve. The default grid
    /// steps 0.01 between 0.01 and 0.99, and a confident model's false alarms change by several per hour within one
    /// step: a SAL TCN at scale went from 10.8 FA/h at 0.98 to 2.7 at 0.99, so its FRR "at 10 FA/h" was read at 2.7
    /// FA/h. Ten halvings bring the step down to 1e-5. An explicit <see cref="Thresholds"/> list is used as given.
    /// </summary>
    public int RefineSteps { get; init; } = 10;

    /// <summary>
    /// A uniform grid plus finer steps near 0 and 1, where well-trained detectors put their posteriors, plus one
    /// threshold above 1 (the silent detector) so every false-alarm target has an admissible point. Near 1 the steps
    /// go down to 1 - 2e-7, close to float32's resolution there (6e-8): a confident model's false alarms and hits
    /// both sit above 0.99999, and a coarser top end left low false-alarm budgets unused (the onset recipe's test
    /// had 0 false onsets at 0.99999 and more than its budget at the next step down).
    /// </summary>
    public static IReadOnlyList<double> DefaultThresholds { get; } = BuildDefaultThresholds();

    /// <summary>Defaults per task: onset counts the first detection after the onset, and ignores re-triggers inside speech.</summary>
    public static EvaluationConfig ForTask(TaskKind task) => task switch
    {
        TaskKind.Onset => new EvaluationConfig
        {
            Detector = new DetectorConfig { SmoothingFrames = 5, RefractorySeconds = 0.5 },
            Match = new MatchConfig { BeforeSeconds = 0, AfterSeconds = 1.0, IgnoreInsideEvents = true },
            FaPerHourTargets = [1.0, 10.0],
        },
        _ => new EvaluationConfig(),
    };

    /// <summary>This evaluation with its detector on <paramref name="clock"/>'s frame grid (the run's front end).</summary>
    public EvaluationConfig On(FrameClock clock) => this with { Detector = Detector.On(clock) };

    private static double[] BuildDefaultThresholds()
    {
        var list = new SortedSet<double>();
        for (var i = 1; i < 100; i++)
        {
            list.Add(i / 100.0);
        }
        foreach (var x in new[] { 1e-4, 1e-3, 3e-3, 5e-3, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999, 0.99995, 0.99998, 0.99999,
                     1 - 5e-6, 1 - 2e-6, 1 - 1e-6, 1 - 5e-7, 1 - 2e-7 })
        {
            list.Add(x);
        }
        list.Add(1.0 + 1e-9);
        return list.ToArray();
    }
}
