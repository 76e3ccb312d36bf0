namespace StreamingAnchor.Evaluation;

/// <summary>
/// Detector performance at one threshold over a test set. <see cref="ClipFalseAlarmRate"/> (share of streams with at
/// least one false alarm) is the false-accept side of the EER.
/// </summary>
public sealed record OperatingPoint(
    double Threshold,
    int Events,
    int Hits,
    int FalseAlarms,
    int Ignored,
    double Hours,
    int Streams,
    int StreamsWithFalseAlarm,
    LatencyStats Latency)
{
    /// <summary>Latency of every hit in seconds (for histograms; metrics files keep them at the reported points only).</summary>
    public IReadOnlyList<double> Latencies { get; init; } = [];

    /// <summary>False alarms that fell on near misses of the keyword (a subset of <see cref="FalseAlarms"/>).</summary>
    public int NearMissAlarms { get; init; }

    /// <summary>Near-miss phrases in the test set and how many drew at least one false alarm (0 when none are marked).</summary>
    public int NearMisses { get; init; }

    public int NearMissesFired { get; init; }

    /// <summary>
    /// <see cref="NearMisses"/> and <see cref="NearMissesFired"/> per kind of near miss (kinds present, in enum order);
    /// empty when the test set does not say the kinds (and in metrics files written before them).
    /// </summary>
    public IReadOnlyList<NearMissTally> NearMissesByKind { get; init; } = [];

    /// <summary>
    /// Events and hits per stream condition (<see cref="ConditionTally"/>); filled at the reported false-alarm targets
    /// only, and empty when the streams say no conditions.
    /// </summary>
    public IReadOnlyList<ConditionTally> ByCondition { get; init; } = [];

    /// <summary>
    /// <see cref="Frr"/>'s bootstrap interval over the voices that say the keywords (<see cref="FrrInterval"/>); filled
    /// where <see cref="ByCondition"/> is, and null when the streams do not say their keyword voices.
    /// </summary>
    public FrrInterval? VoiceInterval { get; init; }

    public int Misses => Events - Hits;

    /// <summary>
    /// <paramref name="other"/>'s FRR minus this one's, with a paired interval over the keyword voices; null unless both
    /// points carry a <see cref="VoiceInterval"/> over the same voices and keywords (the same test streams).
    /// </summary>
    public FrrDifference? DifferenceByVoice(OperatingPoint other) =>
        VoiceInterval is { } mine && other.VoiceInterval is { } theirs ? mine.Difference(theirs) : null;

    /// <summary>False alarms per hour without those on near misses: what a device hears in ordinary speech, music and noise.</summary>
    public double OtherFaPerHour => Hours > 0 ? (FalseAlarms - NearMissAlarms) / Hours : 0;

    /// <summary>Share of near-miss phrases that drew a false alarm (0 when none are marked).</summary>
    public double NearMissAcceptRate => NearMisses == 0 ? 0 : (double)NearMissesFired / NearMisses;

    /// <summary>False-reject rate: missed events over events (0 when there are no events).</summary>
    public double Frr => Events == 0 ? 0 : (double)Misses / Events;

    public double FaPerHour => Hours > 0 ? FalseAlarms / Hours : 0;

    public double ClipFalseAlarmRate => Streams == 0 ? 0 : (double)StreamsWithFalseAlarm / Streams;
}
