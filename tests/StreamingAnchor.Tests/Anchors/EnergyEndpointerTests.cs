using StreamingAnchor.Anchors;

namespace StreamingAnchor.Tests.Anchors;

public class EnergyEndpointerTests
{
    /// <summary>Low noise everywhere, a louder voiced-like burst (harmonics + noise) in [start, end).</summary>
    private static float[] Clip(double seconds, double start, double end, double noise = 0.003, int seed = 1, double? gapAt = null)
    {
        var rng = new Random(seed);
        var n = (int)(seconds * 16000);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            var t = i / 16000.0;
            var v = noise * ((rng.NextDouble() * 2) - 1);
            var inGap = gapAt is { } g && t >= g && t < g + 0.08;
            if (t >= start && t < end && !inGap)
            {
                v += (0.2 * Math.Sin(2 * Math.PI * 180 * t)) + (0.1 * Math.Sin(2 * Math.PI * 540 * t)) + (0.05 * ((rng.NextDouble() * 2) - 1));
            }
            x[i] = (float)v;
        }
        return x;
    }

    [Theory]
    [InlineData(0.30, 0.70)]
    [InlineData(0.05, 0.45)]
    [InlineData(0.52, 0.98)]
    public void FindsSpeechStartAndEndWithinAFrameOrTwo(double start, double end)
    {
        var seg = new EnergyEndpointer().Detect(Clip(1.0, start, end));

        Assert.NotNull(seg);
        Assert.InRange(seg.Start, start - 0.02, start + 0.02);
        Assert.InRange(seg.End, end - 0.02, end + 0.02);
    }

    [Fact]
    public void BridgesShortPausesInsideSpeech()
    {
        var seg = new EnergyEndpointer().Detect(Clip(1.0, 0.2, 0.8, gapAt: 0.45));
        Assert.NotNull(seg);
        Assert.InRange(seg.Start, 0.18, 0.22);
        Assert.InRange(seg.End, 0.78, 0.82);
    }

    [Fact]
    public void IgnoresAClickBeforeTheWord()
    {
        var x = Clip(1.0, 0.5, 0.8);
        x[1600] = 0.9f; // a single-sample click at 0.1 s
        var seg = new EnergyEndpointer().Detect(x);
        Assert.NotNull(seg);
        Assert.InRange(seg.Start, 0.48, 0.52);
    }

    [Fact]
    public void StationaryNoiseOrSilenceHasNoSpeech()
    {
        Assert.Null(new EnergyEndpointer().Detect(Clip(1.0, 2, 3, noise: 0.05)));
        Assert.Null(new EnergyEndpointer().Detect(new float[16000]));
        Assert.Null(new EnergyEndpointer().Detect(new float[100]));
    }
}
