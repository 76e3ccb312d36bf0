namespace StreamingAnchor.Evaluation;

/// <summary>
/// The on-device decision logic: push one frame of class posteriors at a time (classes 1..K, background excluded;
/// for a sigmoid model K = 1), get back a detection when the causally smoothed posterior of a class reaches the
/// threshold outside the refractory period. Detection times are frame end times (docs/architecture.md).
/// </summary>
public sealed class StreamingDetector
{
    private readonly DetectorConfig _config;
    private readonly PosteriorSmoother _smoother;
    private readonly DetectionTrigger _trigger;
    private readonly double[] _smoothed;

    public StreamingDetector(DetectorConfig config, int classes = 1)
    {
        config.Validate();
        _config = config;
        _smoother = new PosteriorSmoother(config.SmoothingFrames, classes);
        _trigger = new DetectionTrigger(config.Threshold, config.RefractoryFrames);
        _smoothed = new double[classes];
    }

    public DetectorConfig Config => _config;

    public int Classes => _smoother.Classes;

    /// <summary>Frames consumed since the start or the last <see cref="Reset"/>.</summary>
    public long FramesSeen => _trigger.Frame;

    /// <summary>Smoothed posteriors of the last pushed frame (class k at index k - 1).</summary>
    public ReadOnlySpan<double> LastSmoothed => _smoothed;

    /// <summary>Consumes one frame of class posteriors; returns the detection it triggers, if any.</summary>
    public Detection? Push(ReadOnlySpan<float> posteriors)
    {
        _smoother.Push(posteriors, _smoothed);
        var frame = _trigger.Frame;
        var (label, score) = _trigger.Push(_smoothed);
        return label > 0 ? new Detection(_config.FrameEndTime(frame), label, score, frame) : null;
    }

    /// <summary>Binary convenience: one posterior per frame.</summary>
    public Detection? Push(float posterior) => Push([posterior]);

    /// <summary>Consumes several frames (row-major [frames, classes]) and returns the detections they trigger.</summary>
    public IReadOnlyList<Detection> PushFrames(ReadOnlySpan<float> posteriors)
    {
        if (posteriors.Length % Classes != 0)
        {
            throw new ArgumentException($"chunk length {posteriors.Length} is not a multiple of {Classes} classes");
        }
        var found = new List<Detection>();
        for (var offset = 0; offset < posteriors.Length; offset += Classes)
        {
            if (Push(posteriors.Slice(offset, Classes)) is { } d)
            {
                found.Add(d);
            }
        }
        return found;
    }

    /// <summary>Starts a new stream.</summary>
    public void Reset()
    {
        _smoother.Reset();
        _trigger.Reset();
        Array.Clear(_smoothed);
    }
}
