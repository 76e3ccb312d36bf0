using StreamingAnchor.Audio;

namespace StreamingAnchor.Models;

/// <summary>
/// Streaming log-mel -> fixed normalisation -> a frame model -> posteriors, with the look-ahead warm-up rows zeroed.
/// Does not own the frame model.
/// </summary>
public sealed class FrameAudioScorer : IAudioScorer
{
    private readonly IStreamingScorer scorer;
    private readonly FeatureNormalizer normalizer;
    private readonly StreamingFbank fbank;
    private long rows;

    public FrameAudioScorer(IStreamingScorer scorer, FbankConfig frontEnd, FeatureNormalizer normalizer)
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
        this.normalizer = normalizer;
        fbank = new StreamingFbank(frontEnd);
    }

    public int Classes => LogitPosteriors.PositiveClasses(scorer.NumClasses);

    public float[] Push(ReadOnlySpan<float> samples)
    {
        var frames = fbank.Push(samples);
        if (frames.Count == 0)
        {
            return [];
        }

        var dim = scorer.InputDim;
        var packed = new float[frames.Count * dim];
        for (var i = 0; i < frames.Count; i++)
        {
            normalizer.ApplyInPlace(frames[i]);
            frames[i].CopyTo(packed, i * dim);
        }

        var probs = LogitPosteriors.Compute(scorer.Push(packed), scorer.NumClasses);
        var k = Classes;
        for (var r = 0; r < probs.Length / k; r++, rows++)
        {
            if (rows < scorer.LookAhead)
            {
                probs.AsSpan(r * k, k).Clear(); // warm-up rows belong to frames before the clip: the device knows nothing yet
            }
        }

        return probs;
    }

    public void Reset()
    {
        scorer.Reset();
        fbank.Reset();
        rows = 0;
    }

    public void Dispose()
    {
    }
}
