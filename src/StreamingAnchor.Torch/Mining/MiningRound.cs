using System.Globalization;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Mining;

/// <summary>
/// What one round of mining found: the pool, the model (by content key), the threshold and the false alarms it raised
/// there, and the windows written. One line of rounds.jsonl per round.
/// </summary>
public sealed record MiningRound(
    int Round,
    string Run,
    string ModelKey,
    int PoolClips,
    double PoolHours,
    double Threshold,
    int FalseAlarms,
    int Windows,
    double WindowSeconds,
    double Weight,
    int FalseAlarmsAtDefault,
    double StreamSeconds)
{
    /// <summary>The detector's default threshold, at which every round is also counted so rounds compare on one scale.</summary>
    public const double DefaultThreshold = 0.5;

    /// <summary>False alarms per hour of pool audio at <see cref="Threshold"/>.</summary>
    public double FaPerHour => PoolHours > 0 ? FalseAlarms / PoolHours : 0;

    /// <summary>The round's summary line.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"round {Round}: {PoolClips} clips, {PoolHours:0.###} h of negatives; {FalseAlarmsAtDefault} false alarms at threshold {DefaultThreshold} = {FaPerHourAtDefault:0.##} FA/h; mining threshold {EvaluationSummary.Threshold(Threshold)}: {FalseAlarms} false alarms = {FaPerHour:0.##} FA/h; {Windows} windows ({WindowSeconds:0.#} s) mined, weight {Weight:0.##}");

    /// <summary>False alarms per hour of pool audio at <see cref="DefaultThreshold"/>.</summary>
    public double FaPerHourAtDefault => PoolHours > 0 ? FalseAlarmsAtDefault / PoolHours : 0;
}
