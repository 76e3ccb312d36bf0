using StreamingAnchor.Audio;

namespace StreamingAnchor.Tests.Audio;

public class FbankTests
{
    private static float[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1) * 0.3f).ToArray();
    }

    private static float[] Tone(double hz, int n) =>
        Enumerable.Range(0, n).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / 16000))).ToArray();

    [Theory]
    [InlineData(0, 0)]
    [InlineData(399, 0)]
    [InlineData(400, 1)]
    [InlineData(559, 1)]
    [InlineData(560, 2)]
    [InlineData(16000, 98)]
    public void FrameCountFollowsSnipEdges(int samples, int frames)
    {
        var m = new FbankExtractor(new FbankConfig()).Compute(new float[samples]);
        Assert.Equal((frames, 40), (m.Frames, m.Dim));
        Assert.Equal(frames, new FbankConfig().FrameCount(samples));
    }

    [Fact]
    public void SilenceAndConstantInputGiveTheLogFloor()
    {
        var extractor = new FbankExtractor(new FbankConfig());
        var floor = MathF.Log(new FbankConfig().LogFloor);

        var dc = Enumerable.Repeat(0.25f, 800).ToArray();

        Assert.All(extractor.Compute(new float[800]).Data, v => Assert.Equal(floor, v));
        // DC removal makes a constant signal silent.
        Assert.All(extractor.Compute(dc).Data, v => Assert.True(MathF.Abs(floor - v) < 1e-3f));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1000)]
    [InlineData(4000)]
    public void ToneEnergyPeaksInTheMelBinCentredNearIt(double hz)
    {
        var config = new FbankConfig();
        var m = new FbankExtractor(config).Compute(Tone(hz, 4000));

        var row = m.Row(10).ToArray();
        var peak = Array.IndexOf(row, row.Max());

        // Centres of Kaldi's mel triangles: equally spaced on 1127 ln(1 + f/700) between 20 Hz and 8 kHz.
        var lo = FbankExtractor.MelScale(20);
        var hi = FbankExtractor.MelScale(8000);
        var centres = Enumerable.Range(0, 40).Select(b => lo + ((b + 1) * (hi - lo) / 41)).ToArray();
        var target = FbankExtractor.MelScale(hz);
        var nearest = Enumerable.Range(0, 40).OrderBy(b => Math.Abs(centres[b] - target)).First();
        Assert.InRange(peak, nearest - 1, nearest + 1);
        Assert.True(row[peak] - row.Min() > 8, "a pure tone should stand far above the other bins");
    }

    [Fact]
    public void DoublingTheAmplitudeAddsLogFourToEveryBin()
    {
        var x = Noise(4000, 1);
        var extractor = new FbankExtractor(new FbankConfig());
        var a = extractor.Compute(x);
        var b = extractor.Compute(x.Select(v => v * 2).ToArray());
        for (var i = 0; i < a.Data.Length; i++)
        {
            Assert.True(MathF.Abs(a.Data[i] + MathF.Log(4) - b.Data[i]) < 1e-3f, $"value {i}: {a.Data[i]} vs {b.Data[i]}");
        }
    }

    [Theory]
    [InlineData(FbankWindow.Povey)]
    [InlineData(FbankWindow.Hamming)]
    [InlineData(FbankWindow.Hann)]
    public void FramesDependOnlyOnTheirOwnWindow(FbankWindow window)
    {
        var config = new FbankConfig { Window = window, MelBins = 24 };
        var x = Noise(3000, 2);
        var extractor = new FbankExtractor(config);
        var whole = extractor.Compute(x);

        var t = 7;
        var alone = extractor.Compute(x.AsSpan(t * 160, 400));

        Assert.Equal(24, whole.Dim);
        Assert.Equal(alone.Data, whole.Row(t).ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(160)]
    [InlineData(1000)]
    [InlineData(37)]
    [InlineData(399)]
    public void StreamingEqualsOffline(int chunk)
    {
        var config = new FbankConfig();
        var x = Noise(16000 + 123, 3);
        var offline = new FbankExtractor(config).Compute(x);
        var streaming = new StreamingFbank(config);

        var frames = new List<float[]>();
        for (var i = 0; i < x.Length; i += chunk)
        {
            frames.AddRange(streaming.Push(x.AsSpan(i, Math.Min(chunk, x.Length - i))));
        }

        Assert.Equal(offline.Frames, frames.Count);
        var maxDiff = 0f;
        for (var t = 0; t < frames.Count; t++)
        {
            for (var d = 0; d < offline.Dim; d++)
            {
                maxDiff = MathF.Max(maxDiff, MathF.Abs(frames[t][d] - offline[t, d]));
            }
        }
        Assert.True(maxDiff <= 1e-5f, $"max abs diff {maxDiff}");
    }

    [Fact]
    public void StreamingWithRandomChunksAndResetStartsOver()
    {
        var config = new FbankConfig();
        var x = Noise(5000, 4);
        var offline = new FbankExtractor(config).Compute(x);
        var streaming = new StreamingFbank(config);
        streaming.Push(Noise(777, 5));
        streaming.Reset();

        var rng = new Random(6);
        var frames = new List<float[]>();
        for (var i = 0; i < x.Length;)
        {
            var n = Math.Min(rng.Next(0, 700), x.Length - i);
            frames.AddRange(streaming.Push(x.AsSpan(i, n)));
            i += n;
        }

        Assert.Equal(offline.Frames, streaming.FramesEmitted);
        for (var t = 0; t < frames.Count; t++)
        {
            Assert.Equal(offline.Row(t).ToArray(), frames[t]);
        }
    }

    [Fact]
    public void ConfigRoundTripsThroughJsonAndFingerprintTracksChanges()
    {
        var config = new FbankConfig { MelBins = 64, Window = FbankWindow.Hamming };
        var back = FbankConfig.FromJson(config.ToJson());

        Assert.Equal(config, back);
        Assert.Contains("\"Hamming\"", config.ToJson());
        Assert.Equal(config.Fingerprint(), back.Fingerprint());
        Assert.NotEqual(config.Fingerprint(), (config with { PreEmphasis = 0.9f }).Fingerprint());
        Assert.Throws<ArgumentException>(() => new FbankExtractor(new FbankConfig { FftSize = 256 }));
        Assert.Throws<ArgumentException>(() => new FbankExtractor(new FbankConfig { HighFreq = 9000 }));
    }
}
