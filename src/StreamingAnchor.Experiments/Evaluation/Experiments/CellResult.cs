namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// What one finished cell measured on the test split: FRR (onset: miss rate) and hit latency (seconds) at the grid's
/// false-alarm target, frame accuracy at the detector threshold, EER, and the cost of getting there. Latencies are
/// NaN when there are no hits. The near-miss counts are those of the same operating point (kws test sets that mark
/// near misses; 0 and empty otherwise, and in results written before they were recorded).
/// </summary>
public sealed record CellResult(
    string Name,
    string Model,
    string Loss,
    int Seed,
    string? SweepParameter,
    double? SweepValue,
    double FaPerHourTarget,
    double Frr,
    double FaPerHour,
    double LatencyMedian,
    double LatencyP90,
    double FrameAccuracy,
    double Eer,
    int Events,
    int Streams,
    double TestHours,
    long Parameters,
    int Epochs,
    long Steps,
    double TrainSeconds,
    double EvalSeconds)
{
    /// <summary>Near misses marked in the test split, and how many drew a false alarm at the cell's threshold.</summary>
    public int NearMisses { get; init; }

    public int NearMissesFired { get; init; }

    /// <summary>False alarms at the cell's threshold that fell on near misses (a subset of all of them).</summary>
    public int NearMissAlarms { get; init; }

    /// <summary>False alarms per hour on near misses and elsewhere (ordinary speech, music, noise) at the cell's threshold.</summary>
    public double NearMissFaPerHour => TestHours > 0 ? NearMissAlarms / TestHours : 0;

    public double OtherFaPerHour => FaPerHour - NearMissFaPerHour;

    /// <summary>The same by kind of near miss (empty when the test split does not record kinds).</summary>
    public IReadOnlyList<NearMissTally> NearMissesByKind { get; init; } = [];

    /// <summary>This result with the near-miss counts of <paramref name="point"/>.</summary>
    public CellResult WithNearMisses(OperatingPoint point) =>
        this with
        {
            NearMisses = point.NearMisses, NearMissesFired = point.NearMissesFired, NearMissAlarms = point.NearMissAlarms,
            NearMissesByKind = point.NearMissesByKind,
        };
}
