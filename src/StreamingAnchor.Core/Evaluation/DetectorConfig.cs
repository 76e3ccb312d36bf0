using StreamingAnchor.Anchors;

namespace StreamingAnchor.Evaluation;

/// <summary>How frame posteriors become detections.</summary>
public sealed record DetectorConfig
{
    /// <summary>Causal moving-average window over the last N frame posteriors (1 = no smoothing).</summary>
    public int SmoothingFrames { get; init; } = 5;

    /// <summary>A detection fires when a smoothed class posterior reaches this value.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>After a detection no other detection (of any class) fires for this long.</summary>
    public double RefractorySeconds { get; init; } = 1.0;

    /// <summary>Hop between frames in seconds; set from the run's front end by <see cref="On"/>.</summary>
    public double HopSeconds { get; init; } = FrameClock.Default.HopSeconds;

    /// <summary>End time of frame 0 in seconds (the window); set from the run's front end by <see cref="On"/>.</summary>
    public double FirstFrameEndSeconds { get; init; } = FrameClock.Default.FirstFrameEndSeconds;

    /// <summary>This detector on <paramref name="clock"/>'s frame grid (a run's front end decides its time stamps).</summary>
    public DetectorConfig On(FrameClock clock) =>
        this with { HopSeconds = clock.HopSeconds, FirstFrameEndSeconds = clock.FirstFrameEndSeconds };

    /// <summary>Refractory period in whole frames: the next detection may fire this many frames later or more.</summary>
    public int RefractoryFrames => Math.Max(1, (int)Math.Ceiling(RefractorySeconds / HopSeconds - 1e-9));

    /// <summary>End time of frame <paramref name="frame"/>: when a streaming device can first act on it.</summary>
    public double FrameEndTime(long frame) => FirstFrameEndSeconds + frame * HopSeconds;

    public void Validate()
    {
        if (SmoothingFrames < 1)
        {
            throw new ArgumentException($"smoothing window must be at least 1 frame, got {SmoothingFrames}");
        }
        if (!double.IsFinite(Threshold))
        {
            throw new ArgumentException($"threshold must be a finite number, got {Threshold}");
        }
        if (!double.IsFinite(RefractorySeconds) || RefractorySeconds < 0)
        {
            throw new ArgumentException($"refractory period must be a non-negative number of seconds, got {RefractorySeconds}");
        }
        if (!(HopSeconds > 0))
        {
            throw new ArgumentException($"hop must be positive, got {HopSeconds}");
        }
    }
}
