using StreamingAnchor.Audio;

namespace StreamingAnchor.Anchors;

/// <summary>
/// Seconds and frames (docs/architecture.md): frame t covers samples [hop t, hop t + window) and is stamped with its
/// end time; a time x maps to the fractional frame that ends at x, (rate x - window) / hop.
/// </summary>
public sealed record FrameClock(int SampleRate = 16000, int WindowSamples = 400, int HopSamples = 160)
{
    public static FrameClock Default { get; } = new();

    public static FrameClock Of(FbankConfig config) => new(config.SampleRate, config.WindowSamples, config.HopSamples);

    /// <summary>The fractional frame whose end is at <paramref name="seconds"/>.</summary>
    public double TimeToFrame(double seconds) => ((SampleRate * seconds) - WindowSamples) / HopSamples;

    /// <summary>End time in seconds of frame <paramref name="frame"/> (fractional frames allowed).</summary>
    public double FrameEndTime(double frame) => ((HopSamples * frame) + WindowSamples) / SampleRate;

    /// <summary>Frames in a clip of <paramref name="seconds"/> seconds (snip-edges).</summary>
    public int FramesIn(double seconds)
    {
        var samples = (long)Math.Round(seconds * SampleRate);
        return samples < WindowSamples ? 0 : (int)(1 + ((samples - WindowSamples) / HopSamples));
    }
}
