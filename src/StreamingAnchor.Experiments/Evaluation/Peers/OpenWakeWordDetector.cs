namespace StreamingAnchor.Evaluation.Peers;

/// <summary>openWakeWord as a peer: whole clips through <see cref="OpenWakeWordStream"/>, one score per 80 ms chunk.</summary>
public sealed class OpenWakeWordDetector(OpenWakeWordModel model, int noiseSeed = 0) : IPeerDetector
{
    public OpenWakeWordModel Model { get; } = model;

    public string Name => $"openWakeWord {Model.Name}";

    public int HopSamples => OpenWakeWordStream.ChunkSamples;

    public OnnxModelStats Stats => Model.LearnedStats;

    public PeerTrace Score(ReadOnlySpan<float> samples, int offsetSamples = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offsetSamples);
        var stream = new OpenWakeWordStream(Model, noiseSeed);
        var hop = OpenWakeWordStream.ChunkSamples;
        var steps = (offsetSamples + samples.Length) / hop;
        var times = new double[steps];
        var scores = new float[steps];
        var chunk = new float[hop];
        for (var k = 0; k < steps; k++)
        {
            for (var i = 0; i < hop; i++)
            {
                var s = k * hop + i - offsetSamples;
                chunk[i] = s < 0 ? 0f : ToInt16Scale(samples[s]);
            }
            scores[k] = stream.Push(chunk);
            times[k] = ((k + 1) * (double)hop - offsetSamples) / (double)OpenWakeWordModel.SampleRate;
        }
        return new PeerTrace(times, scores);
    }

    /// <summary>Upstream feeds raw 16-bit PCM values; our [-1,1] floats map back to them exactly for 16-bit WAVs.</summary>
    public static float ToInt16Scale(float x) => Math.Clamp(MathF.Round(x * 32768f), -32768f, 32767f);

    public void Dispose() => Model.Dispose();
}
