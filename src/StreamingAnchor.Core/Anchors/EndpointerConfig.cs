namespace StreamingAnchor.Anchors;

/// <summary>Settings of <see cref="EnergyEndpointer"/>; defaults suit 1 s command clips with background noise.</summary>
public sealed record EndpointerConfig
{
    public int SampleRate { get; init; } = FrameClock.Default.SampleRate;
    public int WindowSamples { get; init; } = FrameClock.Default.WindowSamples;
    public int HopSamples { get; init; } = FrameClock.Default.HopSamples;

    /// <summary>Speech threshold as a fraction of the way from the noise floor to the peak, in dB.</summary>
    public double ThresholdFraction { get; init; } = 0.35;

    /// <summary>The threshold is at least this many dB above the noise floor.</summary>
    public double MinAboveFloorDb { get; init; } = 6;

    /// <summary>Clips whose loudest frame is less than this many dB above the floor have no detectable speech.</summary>
    public double MinDynamicRangeDb { get; init; } = 10;

    /// <summary>Noise floor = this percentile of frame energies.</summary>
    public double FloorPercentile { get; init; } = 0.1;

    /// <summary>Gaps shorter than this (seconds) inside speech are bridged.</summary>
    public double MaxGapSeconds { get; init; } = 0.2;

    /// <summary>Speech runs shorter than this (seconds) are ignored as clicks, unless nothing longer exists.</summary>
    public double MinSpeechSeconds { get; init; } = 0.05;
}
