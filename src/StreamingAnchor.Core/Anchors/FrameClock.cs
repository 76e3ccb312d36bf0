using StreamingAnchor.Audio;

namespace StreamingAnchor.Anchors;

/// <summary>
/// Seconds and frames (docs/architecture.md, "Time and frames"): frame t covers samples [hop t, hop t + window) and is
/// stamped with its end time; a time x maps to the fractional frame that ends at x, (rate x - window) / hop. The one
/// source of frame geometry: a run's front end (<see cref="FbankConfig"/>, frontend.json) gives its clock through
/// <see cref="Of"/>, and labels, the detector's time stamps, training windows and peers' frame grid take it from there.
/// </summary>
public sealed record FrameClock(int SampleRate, int WindowSamples, int HopSamples)
{
    /// <summary>The default front end's geometry (<see cref="FbankConfig"/>'s defaults: 25 ms windows every 10 ms).</summary>
    public static FrameClock Default { get; } = Of(new FbankConfig());

    public static FrameClock Of(FbankConfig config) => new(config.SampleRate, config.WindowSamples, config.HopSamples);

    /// <summary>Seconds between frame stamps (0.01 by default).</summary>
    public double HopSeconds => (double)HopSamples / SampleRate;

    /// <summary>End time of frame 0 in seconds (0.025 by default).</summary>
    public double FirstFrameEndSeconds => (double)WindowSamples / SampleRate;

    /// <summary>Frames per second of audio (100 by default).</summary>
    public double FramesPerSecond => (double)SampleRate / HopSamples;

    /// <summary>The fractional frame whose end is at <paramref name="seconds"/>.</summary>
    public double TimeToFrame(double seconds) => ((SampleRate * seconds) - WindowSamples) / HopSamples;

    /// <summary>End time in seconds of frame <paramref name="frame"/> (fractional frames allowed).</summary>
    public double FrameEndTime(double frame) => ((HopSamples * frame) + WindowSamples) / SampleRate;

    /// <summary>Frames in a clip of <paramref name="seconds"/> seconds (snip-edges).</summary>
    public int FramesIn(double seconds) => FrameCount((long)Math.Round(seconds * SampleRate));

    /// <summary>Frames in a clip of <paramref name="samples"/> samples (snip-edges: only whole windows).</summary>
    public int FrameCount(long samples) => FbankConfig.SnipEdgesFrames(samples, WindowSamples, HopSamples);

    /// <summary>Whole frames closest to <paramref name="seconds"/> of audio, at least 1 (training windows).</summary>
    public int FramesOf(double seconds) => Math.Max(1, (int)Math.Round(seconds * FramesPerSecond));
}
