using StreamingAnchor.Anchors;
using StreamingAnchor.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Data;

/// <summary>The memory-mapped feature store against the in-RAM path: same floats, same batches, rebuilt when stale.</summary>
public class FeatureStoreTests
{
    private static DatasetOptions Options(TinyCorpus c, FeatureStorage storage) =>
        new() { Rule = TaskRule.For(TaskKind.Kws, "hey"), CacheDirectory = c.Cache, Storage = storage };

    private static string[] StoreFiles(TinyCorpus c) =>
        Directory.Exists(c.Cache) ? Directory.GetFiles(c.Cache, "*.feat", SearchOption.AllDirectories) : [];

    [Fact]
    public void MappedStoreServesExactlyTheFeaturesAndBatchesOfTheInMemoryPath()
    {
        using var c = new TinyCorpus(streams: true);
        using var memory = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Memory));
        Assert.Empty(StoreFiles(c));
        using var mapped = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Mapped));

        Assert.IsType<MemoryFeatureStore>(memory.Stores[0]);
        Assert.All(mapped.Stores, s => Assert.IsType<MappedFeatureStore>(s));
        Assert.Equal(2, StoreFiles(c).Length);
        Assert.Equal(42, mapped.InputDim);
        foreach (var split in new[] { "train", "dev" })
        {
            var a = memory.Clips(split);
            var b = mapped.Clips(split);
            Assert.Equal(a.Select(x => x.Id), b.Select(x => x.Id));
            for (var i = 0; i < a.Count; i++)
            {
                Assert.Equal(a[i].ReadFeatures().Data, b[i].ReadFeatures().Data);
                Assert.Equal(a[i].Labels.Targets, b[i].Labels.Targets);
            }
        }
        Assert.Equal(memory.Normalizer.Mean, mapped.Normalizer.Mean);
        Assert.Equal(memory.Normalizer.Std, mapped.Normalizer.Std);

        var options = new BatchOptions
        {
            BatchSize = 3, Seed = 4, WindowFrames = 120,
            Augment = new AugmentOptions { NoiseManifest = c.NoiseManifest, NoiseProbability = 0.5, GainProbability = 0.5, MaxShiftFrames = 3, TimeMasks = 1, FreqMasks = 1 },
        };
        AssertSameBatches(memory.Batches("train", options, 2), mapped.Batches("train", options, 2));
        AssertSameBatches(memory.Batches("dev", BatchOptions.Evaluation(2)), mapped.Batches("dev", BatchOptions.Evaluation(2)));
    }

    [Fact]
    public void StoreIsReusedWhileItsSourcesAreUnchangedAndRebuiltWhenStaleOrDamaged()
    {
        using var c = new TinyCorpus();
        float[] reference;
        using (var first = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Mapped)))
        {
            reference = first.Clips("train")[3].ReadFeatures().Data;
        }
        var train = StoreFiles(c).OrderByDescending(f => new FileInfo(f).Length).First();
        var written = File.GetLastWriteTimeUtc(train);

        using (var again = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Mapped)))
        {
            Assert.Equal(written, File.GetLastWriteTimeUtc(train));
            Assert.Equal(reference, again.Clips("train")[3].ReadFeatures().Data);
        }

        // A store cut short (a full disk, a copy interrupted) is not trusted: it is rebuilt with the same floats.
        using (var stream = new FileStream(train, FileMode.Open))
        {
            stream.SetLength(stream.Length - 4);
        }
        using (var rebuilt = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Mapped)))
        {
            Assert.Equal(reference, rebuilt.Clips("train")[3].ReadFeatures().Data);
        }

        // An audio file edited after the store was built changes its cache entry, hence the store's key.
        var audio = c.Dir.File("c3.wav");
        File.SetLastWriteTimeUtc(audio, DateTime.UtcNow.AddMinutes(1));
        var cacheEntry = new FeatureCache(c.Cache, new StreamingAnchor.Audio.FbankConfig()).EntryPath(audio);
        Assert.False(File.Exists(cacheEntry));
        using (var changed = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Mapped)))
        {
            Assert.True(File.Exists(cacheEntry));
            Assert.True(File.GetLastWriteTimeUtc(train) > written);
            Assert.Equal(reference, changed.Clips("train")[3].ReadFeatures().Data);
        }
    }

    [Fact]
    public async Task TwoLoadersBuildingOneStoreAtOnceBothGetIt()
    {
        // The first cells of a grid start together on a cold cache; one of them used to fail with "the feature store
        // changed while it was built". Both loads must succeed and serve the same features.
        using var c = new TinyCorpus();
        var start = new Barrier(2);
        var loads = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            using var data = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Mapped));
            return data.Clips("train").Select(x => x.ReadFeatures().Data).ToList();
        })).ToArray();
        var features = await Task.WhenAll(loads);
        Assert.Equal(features[0], features[1]);
        Assert.Equal(2, StoreFiles(c).Length);
    }

    [Fact]
    public void ReadsOutsideAClipAreRefused()
    {
        using var c = new TinyCorpus();
        using var data = FeatureDataset.Load(c.Manifest, Options(c, FeatureStorage.Mapped));
        var clip = data.Clips("train")[0];

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => clip.ReadFrames(clip.Frames - 1, new float[2 * clip.Dim]));

        Assert.Contains($"outside its {clip.Frames} frames", ex.Message);
        var last = new float[clip.Dim];
        clip.ReadFrames(clip.Frames - 1, last);
        Assert.Equal(clip.ReadFeatures().Row(clip.Frames - 1).ToArray(), last);
    }

    private static void AssertSameBatches(IEnumerable<Batch> expected, IEnumerable<Batch> actual)
    {
        var a = expected.ToList();
        var b = actual.ToList();
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            using var x = a[i];
            using var y = b[i];
            Assert.Equal(x.Ids, y.Ids);
            Assert.Equal(x.Features.data<float>().ToArray(), y.Features.data<float>().ToArray());
            Assert.Equal(x.Targets.data<long>().ToArray(), y.Targets.data<long>().ToArray());
            Assert.Equal(x.Lengths.data<long>().ToArray(), y.Lengths.data<long>().ToArray());
            Assert.Equal(x.Anchors.SelectMany(r => r), y.Anchors.SelectMany(r => r));
        }
    }
}
