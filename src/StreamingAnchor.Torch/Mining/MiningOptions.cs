namespace StreamingAnchor.Mining;

/// <summary>
/// One round of hard-negative mining (`sal mine`): which model streams over which negative audio, the operating point
/// that decides what counts as a false alarm, and the window cut around each one.
/// </summary>
public sealed record MiningOptions
{
    /// <summary>The run folder whose model is mined with.</summary>
    public required string Run { get; init; }

    /// <summary>A manifest whose clips without events (in <see cref="Splits"/>) form the pool; or null with <see cref="WavFolder"/>.</summary>
    public string? Manifest { get; init; }

    /// <summary>Splits of <see cref="Manifest"/> to take negatives from (default: train; never mine the test split you report on).</summary>
    public IReadOnlyList<string> Splits { get; init; } = ["train"];

    /// <summary>A folder of WAVs (searched recursively), all negative audio; or null with <see cref="Manifest"/>.</summary>
    public string? WavFolder { get; init; }

    /// <summary>The output folder: manifest.jsonl, clips/, rounds.jsonl and the resumable work in .work/.</summary>
    public required string Out { get; init; }

    /// <summary>
    /// The false-alarm budget on the pool that sets the mining threshold: the lowest swept threshold whose false alarms
    /// per hour of pool audio stay at or below it. Ignored when <see cref="Threshold"/> is set.
    /// </summary>
    public double FaPerHour { get; init; } = 10;

    /// <summary>An explicit threshold on the smoothed posterior instead of <see cref="FaPerHour"/>.</summary>
    public double? Threshold { get; init; }

    /// <summary>Seconds of audio kept before each false alarm (the detection time is the end of the frame that fired).</summary>
    public double BeforeSeconds { get; init; } = 1.5;

    /// <summary>Seconds of audio kept after each false alarm.</summary>
    public double AfterSeconds { get; init; } = 0.5;

    /// <summary>Suggested training weight recorded in rounds.jsonl (how often each window is seen per epoch by `sal train --hard-negatives`).</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Throws a one-line ArgumentException naming the first bad option.</summary>
    public void Validate()
    {
        if ((Manifest is null) == (WavFolder is null))
        {
            throw new ArgumentException("give exactly one mining pool: a manifest or a folder of WAVs");
        }
        if (Manifest is not null && Splits.Count == 0)
        {
            throw new ArgumentException("no splits to mine");
        }
        if (Threshold is { } t && !(t > 0 && t <= 1))
        {
            throw new ArgumentException($"threshold must be in (0, 1], got {t}");
        }
        if (!(FaPerHour > 0 && double.IsFinite(FaPerHour)))
        {
            throw new ArgumentException($"false alarms per hour must be positive, got {FaPerHour}");
        }
        if (!(BeforeSeconds >= 0 && double.IsFinite(BeforeSeconds)) || !(AfterSeconds >= 0 && double.IsFinite(AfterSeconds)) || BeforeSeconds + AfterSeconds < 0.1)
        {
            throw new ArgumentException($"window must be at least 0.1 s (before {BeforeSeconds} s + after {AfterSeconds} s)");
        }
        if (!(Weight > 0 && double.IsFinite(Weight)))
        {
            throw new ArgumentException($"weight must be positive, got {Weight}");
        }
    }
}
