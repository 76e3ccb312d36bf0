using StreamingAnchor.Audio;
using StreamingAnchor.Inference;

namespace StreamingAnchor.Export;

/// <summary>
/// A raw-audio ONNX graph as an <see cref="IAudioScorer"/>: samples are held back until they make whole hops, which is
/// all the graph needs to reproduce the front end for any chunking. Does not own the model.
/// </summary>
public sealed class OnnxRawAudioScorer : IAudioScorer
{
    private readonly OnnxRawAudioModel model;
    private readonly RawAudioState state;
    private readonly float[] pending;
    private int pendingCount;

    public OnnxRawAudioScorer(OnnxRawAudioModel model)
    {
        this.model = model;
        state = model.InitialState();
        pending = new float[model.HopSamples];
    }

    public int Classes => model.Classes;

    /// <summary>Smoothed scores of the rows the last <see cref="Push"/> returned (the graph's own moving average).</summary>
    public float[] LastScore { get; private set; } = [];

    public float[] Push(ReadOnlySpan<float> samples)
    {
        var hop = model.HopSamples;
        var total = pendingCount + samples.Length;
        var whole = total / hop * hop;
        if (whole == 0)
        {
            samples.CopyTo(pending.AsSpan(pendingCount));
            pendingCount = total;
            LastScore = [];
            return [];
        }

        var call = new float[whole];
        pending.AsSpan(0, pendingCount).CopyTo(call);
        var used = whole - pendingCount;
        samples[..used].CopyTo(call.AsSpan(pendingCount));
        var rest = samples[used..];
        rest.CopyTo(pending);
        pendingCount = rest.Length;
        var step = model.Step(call, state);
        LastScore = step.Score;
        return step.Posteriors;
    }

    public IReadOnlyList<string> StreamNames => [];

    public void Reset(IReadOnlyList<FeatureMatrix> streams)
    {
        if (streams.Count > 0)
        {
            throw new ArgumentException($"a raw-audio graph reads audio only, got {streams.Count} extra streams");
        }

        state.Reset();
        pendingCount = 0;
        LastScore = [];
    }

    public void Dispose()
    {
    }
}
