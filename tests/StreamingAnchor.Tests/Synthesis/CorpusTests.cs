using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class CorpusTests
{
    /// <summary>End of the last 5 ms frame within 40 dB of the loudest frame, in seconds, searched in [from, to).</summary>
    private static double LastVoiced(float[] x, double from, double to)
    {
        var a = Math.Max(0, (int)(from * 16000));
        var b = Math.Min(x.Length, (int)(to * 16000));
        var (_, end) = SpeechCut.EnergyBounds(x.AsSpan(a, b - a), 16000, 40);
        return (a + end) / 16000.0;
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void EveryKeywordEventEndsAtTheKeywordsLastVoicedFrame()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("timing");
        var config = SynthFixture.Tiny(SynthTask.Kws, dir, 8) with { PositiveFraction = 1, ReverbProbability = 0 };
        var prepared = CorpusGenerator.Prepare(config);
        var events = 0;
        foreach (var plan in prepared.Plans)
        {
            var clip = prepared.Renderer.Render(plan, CancellationToken.None);
            Assert.NotEmpty(clip.Entry.Events);
            foreach (var ev in clip.Entry.Events)
            {
                Assert.Equal("keyword", ev.Label);
                var voicedEnd = LastVoiced(clip.KeywordLayer, ev.Start - 0.05, ev.End + 0.3);
                Assert.InRange(voicedEnd - ev.End, -0.010, 0.010);
                Assert.InRange(ev.End - ev.Start, 0.3, 1.6);
                events++;
            }
            Assert.Equal(clip.Entry.Events.Select(e => e.End), clip.Entry.Anchors!);
        }
        Assert.True(events >= 8);
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void SplitsShareNoVoiceAndNoNoiseFile()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("splits");
        var result = CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Kws, dir, 20));
        var manifest = Manifest.Load(result.ManifestPath);
        var bySplit = manifest.Entries.GroupBy(e => e.Split).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["dev", "test", "train"], bySplit.Keys.Order());
        foreach (var key in new[] { "voices", "speakers", "noise" })
        {
            var sets = bySplit.ToDictionary(kv => kv.Key,
                kv => kv.Value.SelectMany(e => e.Meta![key].Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet());
            foreach (var a in sets.Keys)
            {
                foreach (var b in sets.Keys.Where(b => string.CompareOrdinal(a, b) < 0))
                {
                    Assert.Empty(sets[a].Intersect(sets[b]));
                }
            }
        }
        // The keyword's speakers are named on every stream with a keyword, and only there, among the stream's voices.
        foreach (var entry in manifest.Entries)
        {
            var meta = entry.Meta!;
            Assert.Equal(entry.Events.Count > 0, meta.ContainsKey(StreamConditions.KeywordVoicesMetaKey));
            if (entry.Events.Count > 0)
            {
                Assert.Subset(meta["voices"].Split(',').ToHashSet(), meta[StreamConditions.KeywordVoicesMetaKey].Split(',').ToHashSet());
            }
        }
        // Near misses are marked where they are spoken: inside the stream, at most one per text.
        var marked = 0;
        foreach (var entry in manifest.Entries)
        {
            var spans = NearMissSpan.Of(entry, result.ManifestPath);
            marked += spans.Count;
            Assert.True(spans.Count <= entry.Meta!["texts"].Split('|').Length, entry.Id);
            foreach (var s in spans)
            {
                Assert.True(s.Start >= 0 && s.End > s.Start && s.End <= entry.Duration, $"{entry.Id}: near miss {s}");
                Assert.NotNull(s.Kind);
            }
            // One kind per span, in the spans' order (Of refuses any other count), and none without spans.
            if (spans.Count > 0)
            {
                Assert.Equal(spans.Count, entry.Meta![NearMissSpan.KindMetaKey].Split(',').Length);
            }
            else
            {
                Assert.False(entry.Meta!.ContainsKey(NearMissSpan.KindMetaKey), entry.Id);
            }
        }
        Assert.True(marked > 0, "no near miss marked in 20 streams");
        // No exact digital silence anywhere: the noise floor covers the whole stream.
        foreach (var entry in manifest.Entries)
        {
            var x = WavFile.Read(manifest.Resolve(entry.Audio)).Samples;
            Assert.Equal(entry.Duration, x.Length / 16000.0, 6);
            var run = 0;
            var longest = 0;
            foreach (var v in x)
            {
                run = v == 0f ? run + 1 : 0;
                longest = Math.Max(longest, run);
            }
            Assert.True(longest < 8, $"{entry.Id}: {longest} consecutive zero samples");
        }
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void BoneConductionFollowsTheWearerOnly()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("accel");
        // No talker over the phrase: a bystander speaking during the wearer's phrase would share its frames.
        var prepared = CorpusGenerator.Prepare(SynthFixture.Tiny(SynthTask.Trigger, dir, 12) with { PositiveFraction = 0.4, OverlapProbability = 0 });
        var wearer = new List<double>();
        var others = new List<double>();
        var baseline = new List<double>();
        foreach (var plan in prepared.Plans)
        {
            var clip = prepared.Renderer.Render(plan, CancellationToken.None);
            var accel = clip.Accelerometer!;
            Assert.Equal(AccelerometerSimulator.FrameCount(clip.Audio.Length), accel.Frames);
            Assert.Equal(4, accel.Dim);
            double Mean(int a, int b) => Enumerable.Range(a, Math.Max(1, b - a)).Average(t => accel[Math.Min(t, accel.Frames - 1), 3]);
            int Frame(int sample) => Math.Clamp((sample - 400) / 160, 0, accel.Frames - 1);
            var nearWearer = new bool[accel.Frames];
            foreach (var s in clip.Segments)
            {
                var mean = Mean(Frame(s.Start) + 3, Frame(s.End));
                (s.Item.Role == SpeakerRole.Wearer ? wearer : others).Add(mean);
                if (s.Item.Role == SpeakerRole.Wearer)
                {
                    for (var t = Math.Max(0, Frame(s.Start) - 20); t < Math.Min(accel.Frames, Frame(s.End) + 20); t++)
                    {
                        nearWearer[t] = true;
                    }
                }
            }
            baseline.AddRange(Enumerable.Range(0, accel.Frames).Where(t => !nearWearer[t]).Select(t => (double)accel[t, 3]));
            foreach (var ev in clip.Entry.Events)
            {
                Assert.Equal("trigger", ev.Label);
            }
            Assert.Equal(plan.ClipType == "positive", clip.Entry.Events.Count > 0);
        }
        Assert.NotEmpty(wearer);
        Assert.NotEmpty(others);
        var floor = baseline.Order().ElementAt(baseline.Count / 2);
        Assert.True(wearer.Min() > 5 * floor, $"wearer {wearer.Min()} vs floor {floor}");
        Assert.True(others.Max() < wearer.Min() / 4, $"others {others.Max()} vs wearer {wearer.Min()}");
    }

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(dir, f).StartsWith(".work", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void SameSeedGivesByteIdenticalFilesWhateverTheWorkerCount()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var a = SynthFixture.TempDir("det-a");
        var b = SynthFixture.TempDir("det-b");
        CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Trigger, a, 6) with { Workers = 2 });
        CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Trigger, b, 6) with { Workers = 1 });
        var fa = Files(a);
        var fb = Files(b);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        Assert.Contains(fa.Keys, k => k.EndsWith(".accel.npy", StringComparison.Ordinal));
        foreach (var (name, bytes) in fa)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs");
        }
        var c = SynthFixture.TempDir("det-c");
        CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Trigger, c, 6) with { Seed = 8 });
        Assert.False(File.ReadAllBytes(Path.Combine(c, CorpusGenerator.ManifestName))
            .AsSpan().SequenceEqual(fa[CorpusGenerator.ManifestName]));
    }

    [SkippableFact]
    public void InterruptedRunResumesToTheSameCorpus()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var full = SynthFixture.TempDir("resume-full");
        CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, full, 8));

        var dir = SynthFixture.TempDir("resume");
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<SynthProgress>(p =>
        {
            if (p.Stage == "render" && p.Done >= 3)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, dir, 8), progress, cts.Token));
        Assert.False(File.Exists(Path.Combine(dir, CorpusGenerator.ManifestName)));

        var resumed = CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, dir, 8));
        Assert.InRange(resumed.ClipsReused, 3, 7);
        var fa = Files(full);
        var fb = Files(dir);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        foreach (var (name, bytes) in fa)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs");
        }
        var manifest = Manifest.Load(resumed.ManifestPath);
        Assert.All(manifest.Entries, e =>
        {
            Assert.NotEmpty(e.Events);
            Assert.Equal(e.Events.Select(ev => ev.Start), e.Anchors!);
        });

        // Other settings in the same folder are refused instead of mixed in.
        Assert.Throws<SynthesisException>(() => CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, dir, 9)));
    }
}
