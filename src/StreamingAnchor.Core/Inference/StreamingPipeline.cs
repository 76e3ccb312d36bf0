using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Inference;

/// <summary>
/// The device loop, in real-time order: audio chunks -> posteriors (front end + model, or a raw-audio graph) -> detector.
/// Posterior i is what the device holds at the end of frame i: with look-ahead k that is the output for frame i - k
/// (zeros for the first k frames), so detection times include the look-ahead delay, as in `sal eval`
/// (Training/RunEvaluator). `sal stream`, `sal detect`, `sal eval` (and so experiments and peers' scoring of our
/// runs) and `sal mine` all run it, so they see the same posteriors by construction. Knows no tensors.
/// </summary>
public sealed class StreamingPipeline
{
    private readonly IAudioScorer scorer;
    private readonly FbankConfig frontEnd;
    private readonly DetectorConfig detectorConfig;

    /// <summary>Samples per pushed chunk in `sal eval`: 100 ms, a typical device audio buffer.</summary>
    public const int DeviceChunkSamples = 1600;

    /// <summary>Front end + normaliser + frame model (the scorer is not owned).</summary>
    public StreamingPipeline(IStreamingScorer scorer, FbankConfig frontEnd, FeatureNormalizer normalizer, DetectorConfig detector,
        IReadOnlyList<string>? streamNames = null)
        : this(new FrameAudioScorer(scorer, frontEnd, normalizer, streamNames), frontEnd, detector)
    {
    }

    /// <summary>Any audio scorer; <paramref name="frontEnd"/> gives the frame geometry detections are stamped with.</summary>
    public StreamingPipeline(IAudioScorer scorer, FbankConfig frontEnd, DetectorConfig detector)
    {
        this.scorer = scorer;
        this.frontEnd = frontEnd;
        detectorConfig = detector.On(FrameClock.Of(frontEnd));
        detectorConfig.Validate();
    }

    public int Classes => scorer.Classes;

    /// <summary>The extra per-frame streams each stream must be started with (empty: audio only).</summary>
    public IReadOnlyList<string> StreamNames => scorer.StreamNames;

    public FbankConfig FrontEnd => frontEnd;

    public DetectorConfig Detector => detectorConfig;

    /// <summary>Time in seconds at which frame <paramref name="frame"/> ends.</summary>
    public double FrameEndTime(long frame) => detectorConfig.FrameEndTime(frame);

    /// <summary>
    /// Starts a new stream (resets the scorer); push audio as it arrives. With <paramref name="keepPosteriors"/> false
    /// nothing grows with the stream's length (live input). <paramref name="streams"/>: the stream's extra per-frame
    /// streams, one per <see cref="StreamNames"/>.
    /// </summary>
    public StreamingSession Start(bool keepPosteriors = true, IReadOnlyList<FeatureMatrix>? streams = null)
    {
        scorer.Reset(streams ?? []);
        return new StreamingSession(scorer, new StreamingDetector(detectorConfig, Classes), keepPosteriors);
    }

    /// <summary>Streams one clip (at the front end's sample rate) in chunks of <paramref name="chunkSamples"/>.</summary>
    public StreamingResult Run(ReadOnlySpan<float> samples, int chunkSamples, IReadOnlyList<FeatureMatrix>? streams = null)
    {
        if (chunkSamples < 1)
        {
            throw new ArgumentException($"chunk must hold at least one sample, got {chunkSamples}");
        }

        var session = Start(streams: streams);
        for (var start = 0; start < samples.Length; start += chunkSamples)
        {
            session.Push(samples.Slice(start, Math.Min(chunkSamples, samples.Length - start)));
        }

        return session.Result();
    }
}
