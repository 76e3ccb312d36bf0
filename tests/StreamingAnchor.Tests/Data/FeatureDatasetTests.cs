using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Training;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Data;

public class FeatureDatasetTests
{
    private static DatasetOptions Options(TinyCorpus c, bool streams = true) =>
        new() { Rule = TaskRule.For(TaskKind.Kws, "hey"), CacheDirectory = c.Cache, IncludeStreams = streams };

    [Fact]
    public void LoadsSplitsFitsTheNormaliserAndReportsProgress()
    {
        using var c = new TinyCorpus();
        var reports = new List<(int, int)>();

        var data = FeatureDataset.Load(c.Manifest, Options(c), new SyncProgress<(int Done, int Total)>(reports.Add));

        Assert.Equal(40, data.InputDim);
        Assert.Equal(1, data.NumClasses);
        Assert.Equal(8, data.Clips("train").Count);
        Assert.Equal(2, data.Clips("dev").Count);
        Assert.Equal(498, data.Clips("train").Single(x => x.Id == "long0").Frames);
        Assert.Contains((10, 10), reports);
        // Normalised train features have zero mean per dimension.
        var sum = new double[40];
        long frames = 0;
        foreach (var clip in data.Clips("train"))
        {
            var features = clip.ReadFeatures();
            for (var t = 0; t < clip.Frames; t++)
            {
                var row = features.Row(t).ToArray();
                data.Normalizer.ApplyInPlace(row);
                for (var d = 0; d < 40; d++)
                {
                    sum[d] += row[d];
                }
                frames++;
            }
        }
        Assert.All(sum, s => Assert.True(Math.Abs(s / frames) < 1e-3));
    }

    [Fact]
    public void CacheIsReusedAndInvalidatedByAudioChangesAndConfig()
    {
        using var c = new TinyCorpus();
        var options = Options(c);
        FeatureDataset.Load(c.Manifest, options);
        var cache = new FeatureCache(c.Cache, options.Fbank);
        var audio = c.Dir.File("c0.wav");
        var entry = cache.EntryPath(audio);
        Assert.True(File.Exists(entry));
        Assert.Equal(10, Directory.GetFiles(cache.Directory, "*.npy", SearchOption.AllDirectories).Length);

        // A planted entry is served as is: proof that the cache, not the audio, was read.
        var frames = FeatureDataset.Load(c.Manifest, options).Clips("train")[0].Frames;
        FrameStreamFile.Write(entry, new FeatureMatrix(Enumerable.Repeat(7f, frames * 40).ToArray(), frames, 40));
        Assert.Equal(7f, FeatureDataset.Load(c.Manifest, options).Clips("train")[0].ReadFeatures()[3, 5]);

        // Touching the audio changes its mtime, hence the key: features are recomputed.
        File.SetLastWriteTimeUtc(audio, DateTime.UtcNow.AddMinutes(1));
        Assert.NotEqual(7f, FeatureDataset.Load(c.Manifest, options).Clips("train")[0].ReadFeatures()[3, 5]);
        Assert.NotEqual(cache.Directory, new FeatureCache(c.Cache, options.Fbank with { MelBins = 24 }).Directory);
    }

    [Fact]
    public void WholeClipBatchesArePaddedMaskedAndCarryRuleTargets()
    {
        using var c = new TinyCorpus();
        var data = FeatureDataset.Load(c.Manifest, Options(c));

        var batches = data.Batches("dev", BatchOptions.Evaluation(4)).ToList();

        var batch = Assert.Single(batches);
        using var _ = batch;
        Assert.Equal(["c6", "c7"], batch.Ids);
        Assert.Equal(new long[] { 2, 168, 40 }, batch.Features.shape);
        Assert.Equal(new long[] { 158, 168 }, batch.Lengths.data<long>().ToArray());
        // Padding is zero in features and targets; the mask marks it.
        Assert.Equal(0f, batch.Features[0, 160].abs().sum().item<float>());
        Assert.Equal(0L, batch.Targets[0, 160].item<long>());
        using var mask = batch.Mask();
        Assert.Equal(158 + 168, mask.sum().item<long>());
        // c6: keyword 0.5-0.8 s, anchor (12800 - 400) / 160 = 77.5, positives 78..107.
        Assert.Equal(77.5, batch.Anchors[0].Single(), 6);
        var targets = batch.Targets[0].data<long>().ToArray();
        Assert.Equal(Enumerable.Range(78, 30), Enumerable.Range(0, targets.Length).Where(t => targets[t] == 1));
        var truth = data.Truth("dev")["c6"];
        Assert.Equal(0.8, truth.Events.Single().Anchor, 9);
    }

    [Fact]
    public void SlidingWindowsReexpressAnchorsAndKeepThoseJustOutside()
    {
        using var c = new TinyCorpus();
        var data = FeatureDataset.Load(c.Manifest, Options(c));
        var options = new BatchOptions { BatchSize = 64, WindowFrames = 100, WindowMode = WindowMode.Sliding, WindowStride = 50, Shuffle = false, BucketPoolBatches = 0 };

        using var batch = data.Batches("train", options).Single();

        var clip = data.Clips("train").Single(x => x.Id == "long0");
        // 498 frames, window 100, stride 50: starts 0, 50, ..., 350 and the last flush at 398.
        var rows = Enumerable.Range(0, batch.Size).Where(i => batch.Ids[i].StartsWith("long0@", StringComparison.Ordinal)).ToList();
        Assert.Equal([0, 50, 100, 150, 200, 250, 300, 350, 398], rows.Select(i => int.Parse(batch.Ids[i].Split('@')[1])));
        var full = clip.Labels;
        foreach (var i in rows)
        {
            var start = int.Parse(batch.Ids[i].Split('@')[1]);
            Assert.Equal(full.Anchors.Length, batch.Anchors[i].Length);
            for (var k = 0; k < full.Anchors.Length; k++)
            {
                Assert.Equal(full.Anchors[k] - start, batch.Anchors[i][k], 9);
            }
            var targets = batch.Targets[i].data<long>().ToArray();
            Assert.Equal(full.Targets.Skip(start).Take(100), targets);
        }
        // Window at 150 covers frames 150..249; the first keyword's anchor at 137.5 lies 12.5 frames before it and is kept.
        var w150 = rows.Single(i => batch.Ids[i] == "long0@150");
        Assert.Contains(batch.Anchors[w150], a => Math.Abs(a - -12.5) < 1e-9);
        Assert.Equal(1L, batch.Targets[w150, 0].item<long>());
        // Features are the clip's own rows, normalised.
        var expected = clip.ReadFeatures().Row(160).ToArray();
        data.Normalizer.ApplyInPlace(expected);
        Assert.Equal(expected, batch.Features[w150, 10].data<float>().ToArray());
    }

    [Fact]
    public void SameSeedSameBatchesOtherSeedOtherOrder()
    {
        using var c = new TinyCorpus();
        var data = FeatureDataset.Load(c.Manifest, Options(c));
        var options = new BatchOptions { BatchSize = 3, Seed = 5, WindowFrames = 120, Augment = new AugmentOptions { NoiseManifest = c.NoiseManifest, NoiseProbability = 0.5, GainProbability = 0.5, MaxShiftFrames = 3, SpeedProbability = 0.5, TimeMasks = 1, FreqMasks = 1 } };

        static List<(string[] Ids, float[] F, long[] T)> Run(FeatureDataset d, BatchOptions o, int epoch) =>
            d.Batches("train", o, epoch).Select(b =>
            {
                using var _ = b;
                return (b.Ids.ToArray(), b.Features.data<float>().ToArray(), b.Targets.data<long>().ToArray());
            }).ToList();

        var a = Run(data, options, 0);
        var b = Run(data, options, 0);
        var other = Run(data, options with { Seed = 6 }, 0);
        var nextEpoch = Run(data, options, 1);

        Assert.Equal(a.Count, data.BatchCount("train", options));
        Assert.Equal(a.Select(x => x.Ids), b.Select(x => x.Ids));
        Assert.Equal(a.Select(x => x.F), b.Select(x => x.F));
        Assert.Equal(a.Select(x => x.T), b.Select(x => x.T));
        Assert.NotEqual(a.Select(x => string.Join(",", x.Ids)), other.Select(x => string.Join(",", x.Ids)));
        Assert.NotEqual(a.Select(x => string.Join(",", x.Ids)), nextEpoch.Select(x => string.Join(",", x.Ids)));
        // c0-c2 (98-118 frames) whole; c3-c5 (128-148 frames) as 2 crops each; the 498-frame recordings as 5 each.
        Assert.Equal(19, a.Sum(x => x.Ids.Length));
    }

    [Fact]
    public void BucketingGroupsSimilarLengths()
    {
        using var c = new TinyCorpus();
        var data = FeatureDataset.Load(c.Manifest, Options(c));
        var plan = data.Plan("train", new BatchOptions { BatchSize = 2, Seed = 1 });
        // Lengths within a batch are neighbours in the sorted pool: the long clips share a batch.
        Assert.Contains(plan, b => b.All(u => u.Length == 498));
        Assert.Equal(4, plan.Count);
    }

    [Fact]
    public void StreamsAreConcatenatedAlignedAndSwitchable()
    {
        using var c = new TinyCorpus(streams: true);
        var withStreams = FeatureDataset.Load(c.Manifest, Options(c));
        var without = FeatureDataset.Load(c.Manifest, Options(c, streams: false));

        Assert.Equal(42, withStreams.InputDim);
        Assert.Equal(["acc"], withStreams.StreamNames);
        Assert.Equal(40, without.InputDim);
        var clip = withStreams.Clips("train")[2].ReadFeatures();
        Assert.Equal(17f, clip[17, 40]);
        Assert.Equal(17f, clip[17, 41]);
        Assert.Equal(without.Clips("train")[2].ReadFeatures().Row(17).ToArray(), clip.Row(17)[..40].ToArray());
        using var batch = withStreams.Batches("dev", BatchOptions.Evaluation()).First();
        Assert.Equal(42, batch.Features.shape[2]);
    }

    [Fact]
    public void ClipMissingAStreamOthersHaveIsNamed()
    {
        using var c = new TinyCorpus(streams: true);
        var lines = File.ReadAllLines(c.Manifest);
        lines[3] = lines[3].Replace(",\"streams\":{\"acc\":\"c3.npy\"}", "");
        File.WriteAllLines(c.Manifest, lines);

        var ex = Assert.Throws<InvalidDataException>(() => FeatureDataset.Load(c.Manifest, Options(c)));

        Assert.Contains("clip 'c3' has no stream 'acc'", ex.Message);
        Assert.Equal(40, FeatureDataset.Load(c.Manifest, Options(c, streams: false)).InputDim);
    }

    [Fact]
    public void DatasetServesTheTrainerInterface()
    {
        using var c = new TinyCorpus();
        var data = FeatureDataset.Load(c.Manifest, Options(c));
        var training = new DatasetTrainingData(data, new BatchOptions { BatchSize = 4, Seed = 2, WindowFrames = 150 });

        Assert.Equal(40, training.InputDim);
        Assert.Equal(1, training.NumClasses);
        Assert.Equal(training.TrainBatches(0).Count(), training.TrainBatchesPerEpoch);
        Assert.Equal(["c6", "c7"], training.DevBatches().SelectMany(b => b.Ids));
        Assert.Equal(["c6", "c7"], training.DevTruth.Keys.Order());
    }
}
