using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Inference;

/// <summary>One stream through a <see cref="StreamingPipeline"/>: push audio, get the detections it completed.</summary>
public sealed class StreamingSession
{
    private readonly IAudioScorer scorer;
    private readonly StreamingDetector detector;
    private readonly List<float>? posteriors;
    private readonly List<Detection> detections = [];

    internal StreamingSession(IAudioScorer scorer, StreamingDetector detector, bool keepPosteriors)
    {
        this.scorer = scorer;
        this.detector = detector;
        posteriors = keepPosteriors ? [] : null;
    }

    /// <summary>Frames (posterior rows) so far.</summary>
    public long Frames => detector.FramesSeen;

    /// <summary>Feeds samples; returns the detections fired by the frames they completed.</summary>
    public IReadOnlyList<Detection> Push(ReadOnlySpan<float> samples)
    {
        var rows = scorer.Push(samples);
        posteriors?.AddRange(rows);
        var found = detector.PushFrames(rows);
        detections.AddRange(found);
        return found;
    }

    /// <summary>Everything so far (posteriors only when kept).</summary>
    public StreamingResult Result()
    {
        var p = posteriors?.ToArray() ?? [];
        return new StreamingResult(p, p.Length / detector.Classes, detector.Classes, [.. detections]);
    }
}
