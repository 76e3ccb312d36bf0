using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Models;

/// <summary>
/// The device loop, in real-time order: audio chunks -> streaming log-mel -> fixed normalisation -> model step
/// -> posteriors -> detector. Posterior i is what the device holds at the end of frame i: with look-ahead k that is
/// the output for frame i - k (zeros for the first k frames), so detection times include the look-ahead delay, as in
/// `sal eval` (Evaluation/RunEvaluator). Knows no tensors.
/// </summary>
public sealed class StreamingPipeline
{
    private readonly IStreamingScorer scorer;
    private readonly FbankConfig frontEnd;
    private readonly FeatureNormalizer normalizer;
    private readonly DetectorConfig detectorConfig;

    public StreamingPipeline(IStreamingScorer scorer, FbankConfig frontEnd, FeatureNormalizer normalizer, DetectorConfig detector)
    {
        if (frontEnd.MelBins != scorer.InputDim)
        {
            throw new ArgumentException(
                $"the model expects {scorer.InputDim} features per frame but the front end gives {frontEnd.MelBins} mel bins " +
                "(models with extra per-frame streams cannot be fed from audio alone)");
        }

        if (normalizer.Dim != scorer.InputDim)
        {
            throw new ArgumentException($"the normaliser has {normalizer.Dim} dimensions, the model expects {scorer.InputDim}");
        }

        this.scorer = scorer;
        this.frontEnd = frontEnd;
        this.normalizer = normalizer;
        detectorConfig = detector with
        {
            HopSeconds = (double)frontEnd.HopSamples / frontEnd.SampleRate,
            FirstFrameEndSeconds = (double)frontEnd.WindowSamples / frontEnd.SampleRate,
        };
        detectorConfig.Validate();
    }

    public int Classes => LogitPosteriors.PositiveClasses(scorer.NumClasses);

    public FbankConfig FrontEnd => frontEnd;

    /// <summary>Time in seconds at which frame <paramref name="frame"/> ends.</summary>
    public double FrameEndTime(long frame) => detectorConfig.FrameEndTime(frame);

    /// <summary>Streams one clip (at the front end's sample rate) in chunks of <paramref name="chunkSamples"/>.</summary>
    public StreamingResult Run(ReadOnlySpan<float> samples, int chunkSamples)
    {
        if (chunkSamples < 1)
        {
            throw new ArgumentException($"chunk must hold at least one sample, got {chunkSamples}");
        }

        scorer.Reset();
        var fbank = new StreamingFbank(frontEnd);
        var detector = new StreamingDetector(detectorConfig, Classes);
        var posteriors = new List<float>();
        var detections = new List<Detection>();
        long rows = 0;
        var dim = scorer.InputDim;

        void Consume(float[] logits)
        {
            var probs = LogitPosteriors.Compute(logits, scorer.NumClasses);
            for (var r = 0; r < probs.Length / Classes; r++, rows++)
            {
                var row = probs.AsSpan(r * Classes, Classes);
                if (rows < scorer.LookAhead)
                {
                    row.Clear(); // warm-up rows belong to frames before the clip: the device knows nothing yet
                }

                posteriors.AddRange(row);
                if (detector.Push(row) is { } d)
                {
                    detections.Add(d);
                }
            }
        }

        for (var start = 0; start < samples.Length; start += chunkSamples)
        {
            var frames = fbank.Push(samples.Slice(start, Math.Min(chunkSamples, samples.Length - start)));
            if (frames.Count == 0)
            {
                continue;
            }

            var packed = new float[frames.Count * dim];
            for (var i = 0; i < frames.Count; i++)
            {
                normalizer.ApplyInPlace(frames[i]);
                frames[i].CopyTo(packed, i * dim);
            }

            Consume(scorer.Push(packed));
        }

        return new StreamingResult(posteriors.ToArray(), posteriors.Count / Classes, Classes, detections);
    }
}
