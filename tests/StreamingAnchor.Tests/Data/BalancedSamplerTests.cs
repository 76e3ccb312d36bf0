using System.Globalization;
using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Data;

/// <summary>Balanced batches: kinds read from the manifest's meta, shares per batch, determinism per (seed, epoch).</summary>
public class BalancedSamplerTests
{
    [Fact]
    public void NegativeKindsComeFromTheGeneratorsMetaWithAFallbackWithout()
    {
        static ManifestEntry Entry(Dictionary<string, string>? meta) => new() { Id = "x", Audio = "x.wav", Duration = 1, Meta = meta };

        Assert.Equal(ExampleKind.Speech, ExampleKinds.NegativeKind(Entry(null)));
        Assert.Equal(ExampleKind.Confusable, ExampleKinds.NegativeKind(Entry(new() { ["type"] = "bystander", ["texts"] = "hey jarvis" })));
        Assert.Equal(ExampleKind.Background, ExampleKinds.NegativeKind(Entry(new() { ["type"] = "motion", ["texts"] = "" })));
        Assert.Equal(ExampleKind.Background, ExampleKinds.NegativeKind(Entry(new() { ["type"] = "long-speech", ["texts"] = "it is late" })));
        Assert.Equal(ExampleKind.Confusable, ExampleKinds.NegativeKind(Entry(new()
        {
            ["type"] = "negative", ["keyword"] = "hey jarvis", ["texts"] = "the kettle has just boiled|Hey, Travis!",
        })));
        Assert.Equal(ExampleKind.Speech, ExampleKinds.NegativeKind(Entry(new()
        {
            ["type"] = "positive", ["keyword"] = "hey jarvis", ["texts"] = "hey jarvis|the kettle has just boiled|asterisk/vm-goodbye",
        })));
        Assert.Equal(ExampleKind.Background, ExampleKinds.NegativeKind(Entry(new() { ["type"] = "negative", ["keyword"] = "hey jarvis", ["texts"] = "" })));
        // A phoneme-level near miss (espeak mnemonics) is recognised by its mark, not by its text.
        Assert.Equal(ExampleKind.Speech, ExampleKinds.NegativeKind(Entry(new() { ["type"] = "negative", ["keyword"] = "hey jarvis", ["texts"] = "h'eI dZ'A@fIs" })));
        Assert.Equal(ExampleKind.Confusable, ExampleKinds.NegativeKind(Entry(new()
            { ["type"] = "negative", ["keyword"] = "hey jarvis", ["texts"] = "h'eI dZ'A@fIs", [NearMissSpan.MetaKey] = "0.5-1.1" })));
        Assert.Equal(ExampleKind.Background, ExampleKinds.NegativeKind(Entry(new() { ["type"] = "long-speech", [NearMissSpan.MetaKey] = "0.5-1.1" })));
        Assert.True(ExampleKinds.IsNearMiss("harvest", "hey jarvis"));
        Assert.True(ExampleKinds.IsNearMiss("hey jarbis", "hey jarvis"));
        Assert.False(ExampleKinds.IsNearMiss("HEY JARVIS", "hey jarvis"));
        Assert.False(ExampleKinds.IsNearMiss("there is a long queue at the bakery", "hey jarvis"));
    }

    [Fact]
    public void RowsFollowTheSharesRescaledOverTheKindsPresent()
    {
        var present = new HashSet<ExampleKind> { ExampleKind.Positive, ExampleKind.Speech };

        Assert.Equal([4, 2, 2, 2], SamplerOptions.Default.RowsPerBatch(10, Enum.GetValues<ExampleKind>().ToHashSet()));
        Assert.Equal([6, 0, 3, 0], SamplerOptions.Default.RowsPerBatch(9, present));
        // 7 x (0.4, 0.2, 0.2, 0.2) = 2.8, 1.4, 1.4, 1.4: floors 2, 1, 1, 1; the two rows left go to the largest remainders, ties to the earlier kind.
        Assert.Equal([3, 2, 1, 1], SamplerOptions.Default.RowsPerBatch(7, Enum.GetValues<ExampleKind>().ToHashSet()));
        Assert.Equal(new SamplerOptions { Positive = 0.5, Background = 0.25 }, SamplerOptions.Parse("positive=0.5, background=0.25"));
        Assert.Equal(SamplerOptions.Default, SamplerOptions.Parse("default"));
        Assert.Equal(SamplerOptions.Default with { NearMissWindows = true }, SamplerOptions.Parse("near-miss-windows, default"));
        Assert.Equal(new SamplerOptions { Speech = 1, NearMissWindows = true }, SamplerOptions.Parse("speech=1,near-miss-windows"));
        Assert.Contains("'noise=1' is not kind=share", Assert.Throws<ArgumentException>(() => SamplerOptions.Parse("positive=1,noise=1")).Message);
        Assert.Contains("must not all be 0", Assert.Throws<ArgumentException>(() => SamplerOptions.Parse("speech=0")).Message);
        Assert.Throws<InvalidOperationException>(() => new SamplerOptions { Confusable = 1 }.RowsPerBatch(8, present));
    }

    [Fact]
    public void EveryBatchHoldsTheSharesAndPositivesHoldTheirAnchorInTheLaterHalf()
    {
        using var c = new KindCorpus();
        using var data = c.Load();
        var clips = data.Clips("train");
        var options = new BatchOptions { BatchSize = 10, Seed = 3, WindowFrames = 200, Sampler = SamplerOptions.Default with { EpochWindows = 95 } };

        var plan = data.Plan("train", options, epoch: 1);

        Assert.Equal(10, plan.Count);
        foreach (var batch in plan)
        {
            var kinds = batch.Select(u => ExampleKinds.Of(clips[u.ClipIndex], u)).ToList();
            Assert.Equal([4, 2, 2, 2], Enum.GetValues<ExampleKind>().Select(k => kinds.Count(x => x == k)));
            Assert.All(batch, u => Assert.Equal(200, u.Length));
            foreach (var u in batch.Where(u => kinds[Array.IndexOf(batch, u)] == ExampleKind.Positive))
            {
                var anchor = clips[u.ClipIndex].Labels.Anchors.Single(a => a >= u.Start && a < u.Start + u.Length) - u.Start;
                Assert.InRange(anchor, 99, 170);
            }
        }
        // The long background stream is cut into many windows, so its deck is the largest of its kind.
        var composition = data.Composition("train", options);
        Assert.Equal([4, 2, 2, 2], composition.Select(k => k.RowsPerBatch));
        Assert.Equal(12, composition.Single(k => k.Kind == ExampleKind.Positive).WindowsPerPass);
        Assert.Equal((2 * 2) + 15, composition.Single(k => k.Kind == ExampleKind.Background).WindowsPerPass);
    }

    [Fact]
    public void SameSeedAndEpochGiveTheSameBatchesOtherwiseOthers()
    {
        using var c = new KindCorpus();
        using var data = c.Load();
        var options = new BatchOptions { BatchSize = 8, Seed = 5, WindowFrames = 150, Sampler = SamplerOptions.Default };

        static string Text(IReadOnlyList<TrainingUnit[]> plan) => string.Join(";", plan.Select(b => string.Join(",", b.Select(u => $"{u.ClipIndex}@{u.Start}"))));

        var a = Text(data.Plan("train", options, 2));
        Assert.Equal(a, Text(data.Plan("train", options, 2)));
        Assert.NotEqual(a, Text(data.Plan("train", options, 3)));
        Assert.NotEqual(a, Text(data.Plan("train", options with { Seed = 6 }, 2)));
        // Default epoch: as many windows as one plain pass, in full batches.
        var plain = data.Plan("train", options with { Sampler = null }).Sum(b => b.Length);
        Assert.Equal((plain + 7) / 8, data.BatchCount("train", options));
        using var batch = data.Batches("train", options, 2).First();
        Assert.Equal(new long[] { 8, 150, 40 }, batch.Features.shape);
    }

    [Fact]
    public void NearMissWindowsHoldTheirNearMissWhereAPositiveHoldsItsKeyword()
    {
        using var c = new KindCorpus(nearMisses: "1.2-1.8,5.4-6.1");
        using var data = c.Load();
        var clips = data.Clips("train");
        var options = new BatchOptions { BatchSize = 10, Seed = 3, WindowFrames = 200, Sampler = SamplerOptions.Default with { EpochWindows = 200 } };
        var clock = data.Options.Rule.Clock;
        double[] Ends(int clip) => [.. clips[clip].NearMissEnds.Select(clock.TimeToFrame)];
        bool Holds(TrainingUnit u) => Ends(u.ClipIndex).Any(e => e - u.Start is >= 99 and <= 170);

        var confusable = Plan(options).Where(u => ExampleKinds.Of(clips[u.ClipIndex], u) == ExampleKind.Confusable).ToList();
        var centred = Plan(options with { Sampler = options.Sampler with { NearMissWindows = true } })
            .Where(u => ExampleKinds.Of(clips[u.ClipIndex], u) == ExampleKind.Confusable).ToList();

        Assert.Equal([1.8, 6.1], clips.First(k => k.Id == "c0").NearMissEnds);
        Assert.All(centred, u => Assert.True(Holds(u), $"window {u.Start} of {clips[u.ClipIndex].Id} holds no near-miss end where a keyword's would be"));
        // Random crops of the 8 s clips land a near miss there far less often, which is what the option is for.
        Assert.True(confusable.Count(Holds) < confusable.Count / 2, $"{confusable.Count(Holds)} of {confusable.Count} random crops");
        // Two windows per clip and pass (one per near miss) against ceil(800 / 200) = 4 random crops.
        Assert.Equal(3 * 2, data.Composition("train", options with { Sampler = options.Sampler with { NearMissWindows = true } })
            .Single(k => k.Kind == ExampleKind.Confusable).WindowsPerPass);

        // The batches carry each window's near-miss ends on its own axis, for the loss; targets there stay negative.
        using var batch = data.Batches("train", options with { Sampler = options.Sampler with { NearMissWindows = true } }).First();
        var targets = batch.Targets.data<long>().ToArray();
        var marked = 0;
        for (var b = 0; b < batch.Size; b++)
        {
            var id = batch.Ids[b];
            var index = Enumerable.Range(0, clips.Count).First(k => id.StartsWith(clips[k].Id + "@", StringComparison.Ordinal) || id == clips[k].Id);
            var start = id.Contains('@') ? int.Parse(id[(id.IndexOf('@') + 1)..], CultureInfo.InvariantCulture) : 0;
            Assert.Equal(Ends(index).Select(e => e - start), batch.NearMissAnchors[b], new ToleranceComparer(1e-9));
            Assert.Equal(batch.Anchors[b].Concat(batch.NearMissAnchors[b]), batch.LossAnchors(withNearMisses: true)[b]);
            Assert.Same(batch.Anchors[b], batch.LossAnchors(withNearMisses: false)[b]);
            foreach (var e in batch.NearMissAnchors[b].Where(e => e >= 0 && e < batch.MaxFrames))
            {
                Assert.Equal(0, targets[(b * batch.MaxFrames) + (int)Math.Ceiling(e)]);
                marked++;
            }
        }
        Assert.True(marked > 0);

        IEnumerable<TrainingUnit> Plan(BatchOptions o) => data.Plan("train", o, epoch: 1).SelectMany(b => b);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    /// <summary>
    /// A train split with every kind: 6 positives (two keywords each), 3 confusable and 3 speech negatives as `sal synth`
    /// writes them, 2 noise-only clips without texts, and one 30 s background stream; all 4 s except the stream.
    /// </summary>
    private sealed class KindCorpus : IDisposable
    {
        private readonly ScratchDir _dir = new();

        /// <param name="nearMisses">When set, the confusable clips are 8 s long and mark near misses there (meta.near_miss).</param>
        public KindCorpus(string? nearMisses = null)
        {
            var rng = new Random(5);
            var lines = new List<string>();
            void Add(string id, double seconds, string events, string type, string texts, string marks = "")
            {
                var samples = Enumerable.Range(0, (int)(seconds * 16000)).Select(_ => (float)((rng.NextDouble() * 2) - 1) * 0.1f).ToArray();
                WavFile.Write(_dir.File(id + ".wav"), samples, 16000);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"id\":\"{id}\",\"audio\":\"{id}.wav\",\"duration\":{seconds},\"split\":\"train\",\"events\":[{events}],\"meta\":{{\"type\":\"{type}\",\"keyword\":\"hey jarvis\",\"texts\":\"{texts}\"{marks}}}}}"));
            }
            for (var i = 0; i < 6; i++)
            {
                Add($"p{i}", 4, $"{{\"label\":\"keyword\",\"start\":{0.5 + (0.1 * i)},\"end\":{1.1 + (0.1 * i)}}},{{\"label\":\"keyword\",\"start\":2.6,\"end\":3.3}}",
                    "positive", "hey jarvis|hey jarvis|the kettle has just boiled");
            }
            for (var i = 0; i < 3; i++)
            {
                Add($"c{i}", nearMisses is null ? 4 : 8, "", "negative", "jarvis|the radio said it will be sunny",
                    nearMisses is null ? "" : $",\"{NearMissSpan.MetaKey}\":\"{nearMisses}\"");
                Add($"s{i}", 4, "", "negative", "my sister works at the hospital");
            }
            Add("n0", 4, "", "negative", "");
            Add("n1", 4, "", "negative", "");
            Add("long0", 30, "", "long-noise", "");
            Manifest = _dir.File("manifest.jsonl");
            File.WriteAllLines(Manifest, lines);
        }

        public string Manifest { get; }

        public FeatureDataset Load() =>
            FeatureDataset.Load(Manifest, new DatasetOptions { Rule = TaskRule.For(TaskKind.Kws, "keyword"), CacheDirectory = _dir.File("cache") });

        public void Dispose() => _dir.Dispose();
    }
}
