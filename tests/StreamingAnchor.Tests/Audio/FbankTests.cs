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

    /// <summary>
    /// Every value of 48 frames against an independent Kaldi compute-fbank-feats written from the Kaldi sources in
    /// double-precision Python (scripts/kaldi-fbank-golden.py, stdlib only), made once and committed with
    ///   python3 scripts/kaldi-fbank-golden.py > tests/StreamingAnchor.Tests/Audio/kaldi-fbank-golden.json
    /// The input is a 0.5 s chirp plus LCG noise as 16-bit integers, rebuilt here and checked against the file's sum and
    /// checksum first. Tolerance 2e-3 in natural log (0.009 dB of band energy): the float32 FFT and sums leave a few 1e-4
    /// at most, on the lowest, quietest bin; in the script, a Hann instead of the povey window, pre-emphasis 0.95, a
    /// 25 Hz low edge or a 7.8 kHz high edge each move some bin by more than 0.5.
    /// </summary>
    [Fact]
    public void FramesMatchAnIndependentKaldiImplementation()
    {
        using var golden = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Audio", "kaldi-fbank-golden.json")));
        var root = golden.RootElement;
        var samples = KaldiTestSignal();
        Assert.Equal(root.GetProperty("samples").GetInt32(), samples.Length);
        Assert.Equal(root.GetProperty("sum").GetInt64(), samples.Sum(v => (long)v));
        Assert.Equal(root.GetProperty("checksum").GetInt64(), samples.Select((v, i) => (i + 1L) * v).Aggregate(0L, (a, x) => (((a + x) % 1000000007) + 1000000007) % 1000000007));

        var features = new FbankExtractor(new FbankConfig()).Compute(samples.Select(v => v / 32768f).ToArray());
        var frames = root.GetProperty("frames").EnumerateArray().Select(f => f.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal((frames.Length, frames[0].Length), (features.Frames, features.Dim));
        var worst = (Diff: 0.0, Frame: 0, Bin: 0);
        for (var t = 0; t < frames.Length; t++)
        {
            for (var m = 0; m < frames[t].Length; m++)
            {
                var diff = Math.Abs(features[t, m] - frames[t][m]);
                if (diff > worst.Diff)
                {
                    worst = (diff, t, m);
                }
            }
        }
        Assert.True(worst.Diff <= 2e-3, $"frame {worst.Frame} bin {worst.Bin}: |C# - Kaldi| = {worst.Diff}");
    }

    /// <summary>The script's input: round(32767 (0.4 chirp 200 -> 6000 Hz + 0.05 uniform LCG noise)), 8000 samples.</summary>
    private static short[] KaldiTestSignal()
    {
        const int n = 8000;
        const double rate = 16000;
        const double duration = n / rate;
        var state = 12345u;
        var samples = new short[n];
        for (var i = 0; i < n; i++)
        {
            var t = i / rate;
            var phase = 2.0 * Math.PI * ((200.0 * t) + ((6000.0 - 200.0) * t * t / (2.0 * duration)));
            state = unchecked((1664525u * state) + 1013904223u);
            var noise = (2.0 * (state / 4294967296.0)) - 1.0;
            samples[i] = (short)Math.Floor((32767.0 * ((0.4 * Math.Sin(phase)) + (0.05 * noise))) + 0.5);
        }
        return samples;
    }

    [Fact]
    public void ConfigRoundTripsThroughJsonAndFingerprintTracksChanges()
    {
        var config = new FbankConfig { MelBins = 64, Window = FbankWindow.Hamming };
        var back = FbankConfig.FromJson(config.ToJson());

        Assert.Equal(config, back);
        Assert.Contains("\"window\": \"hamming\"", config.ToJson());
        Assert.Contains("\"melBins\": 64", config.ToJson());
        Assert.Equal(config.Fingerprint(), back.Fingerprint());
        Assert.NotEqual(config.Fingerprint(), (config with { PreEmphasis = 0.9f }).Fingerprint());
        Assert.Throws<ArgumentException>(() => new FbankExtractor(new FbankConfig { FftSize = 256 }));
        Assert.Throws<ArgumentException>(() => new FbankExtractor(new FbankConfig { HighFreq = 9000 }));
    }
}
