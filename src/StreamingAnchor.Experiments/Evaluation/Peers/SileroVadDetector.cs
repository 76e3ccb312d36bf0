namespace StreamingAnchor.Evaluation.Peers;

/// <summary>Silero VAD as a peer: one speech probability per 512-sample (32 ms) window, state carried across windows.</summary>
public sealed class SileroVadDetector(SileroVadModel model) : IPeerDetector
{
    public SileroVadModel Model { get; } = model;

    public string Name => $"Silero VAD ({Model.Name})";

    public int HopSamples => SileroVadModel.WindowSamples;

    public OnnxModelStats Stats => Model.Stats;

    public PeerTrace Score(ReadOnlySpan<float> samples, int offsetSamples = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offsetSamples);
        var hop = SileroVadModel.WindowSamples;
        var steps = (offsetSamples + samples.Length) / hop;
        var times = new double[steps];
        var scores = new float[steps];
        var window = new float[hop];
        var state = Model.InitialState();
        for (var k = 0; k < steps; k++)
        {
            for (var i = 0; i < hop; i++)
            {
                var s = k * hop + i - offsetSamples;
                window[i] = s < 0 ? 0f : samples[s];
            }
            scores[k] = Model.Step(window, state);
            times[k] = ((k + 1) * (double)hop - offsetSamples) / (double)SileroVadModel.SampleRate;
        }
        return new PeerTrace(times, scores);
    }

    public void Dispose() => Model.Dispose();
}
