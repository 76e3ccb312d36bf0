namespace StreamingAnchor.Evaluation;

/// <summary>
/// Threshold plus refractory period on already-smoothed posteriors. Split from the smoother so a threshold sweep
/// smooths each trace once and replays only this cheap part per threshold, with exactly the device's logic.
/// </summary>
public sealed class DetectionTrigger
{
    private readonly double _threshold;
    private readonly int _refractoryFrames;
    private long _frame;
    private long _lastFire = long.MinValue;

    public DetectionTrigger(double threshold, int refractoryFrames)
    {
        _threshold = threshold;
        _refractoryFrames = refractoryFrames;
    }

    /// <summary>Frame index the next call to <see cref="Push"/> will stamp.</summary>
    public long Frame => _frame;

    /// <summary>Consumes one frame; returns the fired class (1..K) and its score, or label 0 when nothing fires.</summary>
    public (int Label, double Score) Push(ReadOnlySpan<double> smoothed)
    {
        var frame = _frame++;
        if (_lastFire != long.MinValue && frame - _lastFire < _refractoryFrames)
        {
            return (0, 0);
        }
        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var k = 0; k < smoothed.Length; k++)
        {
            if (smoothed[k] >= _threshold && smoothed[k] > bestScore)
            {
                best = k;
                bestScore = smoothed[k];
            }
        }
        if (best < 0)
        {
            return (0, 0);
        }
        _lastFire = frame;
        return (best + 1, bestScore);
    }

    public void Reset()
    {
        _frame = 0;
        _lastFire = long.MinValue;
    }

    /// <summary>Detections of a whole smoothed trace (row-major [frames, classes]).</summary>
    public static List<Detection> Run(ReadOnlySpan<double> smoothed, int classes, double threshold, DetectorConfig config)
    {
        var trigger = new DetectionTrigger(threshold, config.RefractoryFrames);
        var detections = new List<Detection>();
        for (var offset = 0; offset < smoothed.Length; offset += classes)
        {
            var frame = trigger.Frame;
            var (label, score) = trigger.Push(smoothed.Slice(offset, classes));
            if (label > 0)
            {
                detections.Add(new Detection(config.FrameEndTime(frame), label, score, frame));
            }
        }
        return detections;
    }
}
