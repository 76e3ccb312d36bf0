using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Models;

/// <summary>
/// The device loop, in real-time order: audio chunks -> posteriors (front end + model, or a raw-audio graph) -> detector.
/// Posterior i is what the device holds at the end of frame i: with look-ahead k that is the output for frame i - k
/// (zeros for the first k frames), so detection times include the look-ahead delay, as in `sal eval`
/// (Evaluation/RunEvaluator). `sal stream` and `sal detect` both run it. Knows no tensors.
/// </summary>
public sealed class StreamingPipeline
{
    private readonly IAudioScorer scorer;
    private readonly FbankConfig frontEnd;
    private readonly DetectorConfig detectorConfig;

    /// <summary>Front end + normaliser + frame model (the scorer is not owned).</summary>
    public StreamingPipeline(IStreamingScorer scorer, FbankConfig frontEnd, FeatureNormalizer normalizer, DetectorConfig detector)
        : this(new FrameAudioScorer(scorer, frontEnd, normalizer), frontEnd, detector)
    {
    }

    /// <summary>Any audio scorer; <paramref name="frontEnd"/> gives the frame geometry detections are stamped with.</summary>
    public StreamingPipeline(IAudioScorer scorer, FbankConfig frontEnd, DetectorConfig detector)
    {
        this.scorer = scorer;
        this.frontEnd = frontEnd;
        detectorConfig = detector with
        {
            HopSeconds = (double)frontEnd.HopSamples / frontEnd.SampleRate,
            FirstFrameEndSeconds = (double)frontEnd.WindowSamples / frontEnd.SampleRate,
        };
        detectorConfig.Validate();
    }

    public int Classes => scorer.Classes;

    public FbankConfig FrontEnd => frontEnd;

    public DetectorConfig Detector => detectorConfig;

    /// <summary>Time in seconds at which frame <paramref name="frame"/> ends.</summary>
    public double FrameEndTime(long frame) => detectorConfig.FrameEndTime(frame);

    /// <summary>
    /// Starts a new stream (resets the scorer); push audio as it arrives. With <paramref name="keepPosteriors"/> false
    /// nothing grows with the stream's length (live input).
    /// </summary>
    public StreamingSession Start(bool keepPosteriors = true)
    {
        scorer.Reset();
        return new StreamingSession(scorer, new StreamingDetector(detectorConfig, Classes), keepPosteriors);
    }

    /// <summary>Streams one clip (at the front end's sample rate) in chunks of <paramref name="chunkSamples"/>.</summary>
    public StreamingResult Run(ReadOnlySpan<float> samples, int chunkSamples)
    {
        if (chunkSamples < 1)
        {
            throw new ArgumentException($"chunk must hold at least one sample, got {chunkSamples}");
        }

        var session = Start();
        for (var start = 0; start < samples.Length; start += chunkSamples)
        {
            session.Push(samples.Slice(start, Math.Min(chunkSamples, samples.Length - start)));
        }

        return session.Result();
    }
}
