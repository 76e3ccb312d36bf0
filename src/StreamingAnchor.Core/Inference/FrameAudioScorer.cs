using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;

namespace StreamingAnchor.Inference;

/// <summary>
/// Streaming log-mel (+ the frame's rows of any extra streams) -> fixed normalisation -> a frame model -> posteriors,
/// with the look-ahead warm-up rows zeroed. Does not own the frame model.
/// </summary>
public sealed class FrameAudioScorer : IAudioScorer
{
    private readonly IStreamingScorer scorer;
    private readonly FeatureNormalizer normalizer;
    private readonly StreamingFbank fbank;
    private readonly int melBins;
    private readonly FrameClock clock;
    private IReadOnlyList<FeatureMatrix> streams = [];
    private long rows;

    /// <param name="streamNames">The extra streams the model was trained with, in feature order (empty: audio only).</param>
    public FrameAudioScorer(IStreamingScorer scorer, FbankConfig frontEnd, FeatureNormalizer normalizer, IReadOnlyList<string>? streamNames = null)
    {
        StreamNames = streamNames ?? [];
        if (StreamNames.Count == 0 && frontEnd.MelBins != scorer.InputDim)
        {
            throw new ArgumentException(
                $"the model expects {scorer.InputDim} features per frame but the front end gives {frontEnd.MelBins} mel bins " +
                "(models with extra per-frame streams need the streams' names and data)");
        }

        if (StreamNames.Count > 0 && scorer.InputDim <= frontEnd.MelBins)
        {
            throw new ArgumentException(
                $"the model expects {scorer.InputDim} features per frame, no room for the streams {string.Join(", ", StreamNames)} after {frontEnd.MelBins} mel bins");
        }

        if (normalizer.Dim != scorer.InputDim)
        {
            throw new ArgumentException($"the normaliser has {normalizer.Dim} dimensions, the model expects {scorer.InputDim}");
        }

        this.scorer = scorer;
        this.normalizer = normalizer;
        melBins = frontEnd.MelBins;
        clock = FrameClock.Of(frontEnd);
        fbank = new StreamingFbank(frontEnd);
    }

    public int Classes => LogitPosteriors.PositiveClasses(scorer.NumClasses);

    public IReadOnlyList<string> StreamNames { get; }

    public float[] Push(ReadOnlySpan<float> samples)
    {
        if (StreamNames.Count > 0 && streams.Count == 0)
        {
            throw new InvalidOperationException($"the model reads the streams {string.Join(", ", StreamNames)}: start the stream with them");
        }

        var frames = fbank.Push(samples);
        if (frames.Count == 0)
        {
            return [];
        }

        var dim = scorer.InputDim;
        var packed = new float[frames.Count * dim];
        for (var i = 0; i < frames.Count; i++)
        {
            var row = packed.AsSpan(i * dim, dim);
            // The frame index is the row count before look-ahead: mel frame t meets each stream's row at its time, as in training.
            FeatureDataset.AppendStreams(frames[i], streams, clock, (int)(rows + i), row);
            normalizer.ApplyInPlace(row);
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

    public void Reset(IReadOnlyList<FeatureMatrix> streams)
    {
        if (streams.Count != StreamNames.Count)
        {
            throw new ArgumentException(StreamNames.Count == 0
                ? $"the model reads audio only, got {streams.Count} extra streams"
                : $"the model reads the streams {string.Join(", ", StreamNames)} ({StreamNames.Count}), got {streams.Count}");
        }

        var width = melBins + streams.Sum(s => s.Dim);
        if (width != scorer.InputDim)
        {
            throw new ArgumentException(
                $"{melBins} mel bins + the streams' {width - melBins} columns make {width} features per frame, the model expects {scorer.InputDim}");
        }

        if (streams.FirstOrDefault(s => s.Frames == 0) is { } empty)
        {
            throw new ArgumentException($"stream '{StreamNames[streams.ToList().IndexOf(empty)]}' has no frames");
        }

        this.streams = streams;
        scorer.Reset();
        fbank.Reset();
        rows = 0;
    }

    public void Dispose()
    {
    }
}
