using StreamingAnchor.Anchors;
using StreamingAnchor.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Data;

public class AugmentationTests
{
    private static (FeatureDataset Data, TinyCorpus Corpus) Load()
    {
        var c = new TinyCorpus();
        var data = FeatureDataset.Load(c.Manifest, new DatasetOptions { Rule = TaskRule.For(TaskKind.Kws, "hey"), CacheDirectory = c.Cache, Splits = ["dev"] });
        return (data, c);
    }

    private static (float[] F, long[] T, double[] A, int Frames, int Dim) First(FeatureDataset data, AugmentOptions? augment, int seed = 3)
    {
        var options = BatchOptions.Evaluation(1) with { Augment = augment, Seed = seed };
        using var b = data.Batches("dev", options).First();
        return (b.Features.data<float>().ToArray(), b.Targets.data<long>().ToArray(), b.Anchors[0], (int)b.Features.shape[1], (int)b.Features.shape[2]);
    }

    [Fact]
    public void SpeedPerturbationMovesTheAnchorWithTheAudio()
    {
        var (data, c) = Load();
        using var _ = c;
        var fast = First(data, new AugmentOptions { NoiseProbability = 0, SpeedProbability = 1, SpeedMin = 1.1, SpeedMax = 1.1 });

        // c6: 1.6 s, keyword 0.5-0.8 s. At 1.1x it ends at 0.8 / 1.1 s = frame (16000 * 0.727 - 400) / 160.
        var expected = ((16000 * 0.8 / 1.1) - 400) / 160;
        Assert.Equal(expected, Assert.Single(fast.A), 6);
        Assert.InRange(fast.Frames, 142, 143);
        // The tone burst really ends there: the 700 Hz mel bin is loud just before the anchor and quiet after it.
        var bin = Enumerable.Range(0, 40).MaxBy(d => fast.F[(60 * fast.Dim) + d]);
        var before = fast.F[((int)expected - 3) * fast.Dim + bin];
        var after = fast.F[((int)expected + 5) * fast.Dim + bin];
        Assert.True(before - after > 2, $"before {before} after {after}");
        Assert.Equal((int)Math.Ceiling(expected), Array.IndexOf(fast.T, 1L));
    }

    [Fact]
    public void NoiseChangesFeaturesNotTargets()
    {
        var (data, c) = Load();
        using var _ = c;
        var clean = First(data, null);
        var noisy = First(data, new AugmentOptions { NoiseManifest = c.NoiseManifest, NoiseProbability = 1, SnrMinDb = 0, SnrMaxDb = 0 });

        Assert.Equal(clean.T, noisy.T);
        Assert.Equal(clean.A, noisy.A);
        // Silence before the keyword is far louder with 0 dB noise.
        Assert.True(noisy.F[(5 * 40) + 20] - clean.F[(5 * 40) + 20] > 1);
    }

    [Fact]
    public void GainShiftsNormalisedMelValuesByItsLogPower()
    {
        var (data, c) = Load();
        using var _ = c;
        var clean = First(data, null);
        var loud = First(data, new AugmentOptions { NoiseProbability = 0, GainProbability = 1, GainMinDb = 6, GainMaxDb = 6 });

        var delta = 0.6 * Math.Log(10);
        for (var d = 0; d < 40; d++)
        {
            Assert.Equal(delta / data.Normalizer.Std[d], loud.F[(50 * 40) + d] - clean.F[(50 * 40) + d], 3);
        }
    }

    [Fact]
    public void TimeShiftMovesFeaturesTargetsAndAnchorsTogether()
    {
        var (data, c) = Load();
        using var _ = c;
        var clean = First(data, null);
        var shifts = new HashSet<int>();
        for (var seed = 0; seed < 12; seed++)
        {
            var shifted = First(data, new AugmentOptions { NoiseProbability = 0, MaxShiftFrames = 6 }, seed);
            var k = shifted.Frames - clean.Frames;
            shifts.Add(k);
            Assert.InRange(k, -6, 6);
            Assert.Equal(clean.A[0] + k, shifted.A[0], 6);
            Assert.Equal(Array.IndexOf(clean.T, 1L) + k, Array.IndexOf(shifted.T, 1L));
            Assert.Equal(clean.F.AsSpan(60 * 40, 40).ToArray(), shifted.F.AsSpan((60 + k) * 40, 40).ToArray());
        }
        Assert.True(shifts.Count > 3, "shifts should vary with the seed");
    }

    [Fact]
    public void SpecAugmentZeroesWholeFramesAndBins()
    {
        var (data, c) = Load();
        using var _ = c;
        var masked = First(data, new AugmentOptions { NoiseProbability = 0, TimeMasks = 2, TimeMaskMaxFrames = 10, FreqMasks = 2, FreqMaskMaxBins = 8 }, seed: 9);
        var clean = First(data, null);

        var zeroFrames = Enumerable.Range(0, masked.Frames).Count(t => masked.F.AsSpan(t * 40, 40).ToArray().All(v => v == 0));
        var zeroBins = Enumerable.Range(0, 40).Count(d => Enumerable.Range(0, masked.Frames).All(t => masked.F[(t * 40) + d] == 0));
        Assert.InRange(zeroFrames, 1, 20);
        Assert.InRange(zeroBins, 1, 16);
        Assert.Equal(clean.T, masked.T);
    }

    /// <summary>
    /// The warp changes the mel bins but not the labels, and it draws after every other option: turning it on leaves
    /// the masks where they were.
    /// </summary>
    [Fact]
    public void WarpChangesBinsNotLabelsNorOtherDraws()
    {
        var (data, c) = Load();
        using var _ = c;
        var masksOnly = new AugmentOptions { NoiseProbability = 0, FreqMasks = 2, FreqMaskMaxBins = 8 };
        var masked = First(data, masksOnly, seed: 9);
        var warped = First(data, masksOnly with { WarpProbability = 1, WarpMin = 1.1, WarpMax = 1.1 }, seed: 9);
        var clean = First(data, null, seed: 9);

        int[] ZeroBins((float[] F, long[] T, double[] A, int Frames, int Dim) x) =>
            Enumerable.Range(0, 40).Where(d => Enumerable.Range(0, x.Frames).All(t => x.F[(t * 40) + d] == 0)).ToArray();
        Assert.NotEmpty(ZeroBins(masked));
        Assert.Equal(ZeroBins(masked), ZeroBins(warped));
        Assert.Equal(clean.T, warped.T);
        Assert.Equal(clean.A, warped.A);
        var changed = Enumerable.Range(0, warped.F.Length).Count(i => Math.Abs(warped.F[i] - masked.F[i]) > 1e-3);
        Assert.True(changed > warped.F.Length / 4, $"only {changed} of {warped.F.Length} values changed");

        var off = First(data, masksOnly with { WarpProbability = 0, WarpMin = 1.1, WarpMax = 1.1 }, seed: 9);
        Assert.Equal(masked.F, off.F);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new AugmentOptions { NoiseProbability = 1.5 }.Validate());
        Assert.Throws<ArgumentException>(() => new AugmentOptions { NoiseProbability = 0, SpeedMin = 0.2 }.Validate());
        Assert.Throws<ArgumentException>(() => new AugmentOptions { WarpProbability = 1, WarpMin = 1.2, WarpMax = 1.1 }.Validate());
        Assert.Throws<ArgumentException>(() => new AugmentOptions { WarpProbability = -0.1 }.Validate());
        Assert.Throws<ArgumentException>(() => new BatchOptions { BatchSize = 0 }.Validate());
    }

    [Theory]
    [InlineData(16000, 1000, 4000)]
    [InlineData(16000, 30000, 4000)]
    [InlineData(16000, 40000, 100)]
    [InlineData(22050, 1000, 4000)]
    [InlineData(22050, 30000, 4000)]
    public void AWindowsAudioIsTheRecordingsSamplesCutAtItsEnd(int fileRate, long first, long count)
    {
        using var dir = new ScratchDir();
        var path = dir.File("a.wav");
        var rng = new Random(7);
        var samples = Enumerable.Range(0, fileRate * 2).Select(_ => (float)((rng.NextDouble() * 1.6) - 0.8)).ToArray();
        StreamingAnchor.Audio.WavFile.Write(path, samples, fileRate);
        var whole = StreamingAnchor.Audio.WavFile.Read(path, 16000).Samples;

        var segment = ExampleMaker.ReadSegment(path, 16000, first, count);

        var expected = whole.Skip((int)Math.Min(first, whole.Length)).Take((int)count).ToArray();
        Assert.Equal(Math.Clamp(whole.Length - first, 0, count), segment.Length);
        Assert.Equal(expected, segment);
    }
}
