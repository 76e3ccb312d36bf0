using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class AcousticConditionTests
{
    [SkippableFact]
    [Trait("Category", "E2E")]
    public void RoomAndCodecChangeTheAudioButNotTheEventsOrAnchors()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var codec = CodecChannel.Unavailable(ChannelKind.Mp3) is null ? new ChannelPlan(ChannelKind.Mp3, 32) : new ChannelPlan(ChannelKind.Telephone, 0);
        var dir = SynthFixture.TempDir("acoustics");
        var prepared = CorpusGenerator.Prepare(SynthFixture.Tiny(SynthTask.Kws, dir, 3) with { PositiveFraction = 1, BabbleProbability = 0 });
        var checkedClips = 0;
        foreach (var plan in prepared.Plans)
        {
            var dryPlan = plan with { Acoustics = AcousticPlan.Dry with { GainDbfs = -6 } };
            // Talkers 0.4 m from the microphone: the direct sound dominates, so cross-correlation finds it.
            var room = new RoomPlan(5.5, 4, 2.7, 0.6, new Point3(2, 2, 1.2),
                plan.Items.Select((_, i) => new Point3(2.4, 2 - 0.01 * i, 1.2)).ToList(), new Point3(4.5, 3, 1.5), 17);
            var wetPlan = plan with { Acoustics = AcousticPlan.Dry with { Room = room, Channel = codec, GainDbfs = -6 } };
            var dry = prepared.Renderer.Render(dryPlan, CancellationToken.None);
            var wet = prepared.Renderer.Render(wetPlan, CancellationToken.None);

            Assert.Equal(dry.Entry.Duration, wet.Entry.Duration);
            Assert.Equal(dry.Entry.Events, wet.Entry.Events);
            Assert.Equal(dry.Entry.Anchors, wet.Entry.Anchors);
            Assert.NotEmpty(wet.Entry.Events);
            Assert.Equal(codec.Id, wet.Entry.Meta!["codec"]);
            Assert.Equal("0.60", wet.Entry.Meta["rt60"]);

            // Different samples, but the keyword is where it was: around each event the wet stream correlates
            // best with the dry one at lag 0 (within 1 ms).
            var diff = dry.Audio.Zip(wet.Audio, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(diff > 0.01, $"max difference {diff}");
            foreach (var ev in wet.Entry.Events)
            {
                var lag = Lag(dry.Audio, wet.Audio, (int)(ev.Start * 16000), (int)(ev.End * 16000));
                Assert.InRange(lag, -16, 16);
            }
            checkedClips++;
        }
        Assert.Equal(3, checkedClips);
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void EveryConditionAtOnceIsByteIdenticalForASeed()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        SynthConfig Config(string dir, int workers) => SynthFixture.Tiny(SynthTask.Kws, dir, 3) with
        {
            PositiveFraction = 1, RoomProbability = 1, ChannelProbability = 1, BabbleProbability = 1,
            AdjacentSpeechProbability = 1, OverlapProbability = 1, Workers = workers,
        };
        var a = SynthFixture.TempDir("all-conditions-a");
        var b = SynthFixture.TempDir("all-conditions-b");
        var manifest = Manifest.Load(CorpusGenerator.Generate(Config(a, 2)).ManifestPath);
        CorpusGenerator.Generate(Config(b, 1));
        Assert.All(manifest.Entries, e =>
        {
            Assert.Contains("room", e.Meta!.Keys);
            Assert.Contains("babble", e.Meta.Keys);
            Assert.NotEqual("none", e.Meta["codec"]);
        });
        foreach (var file in Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.work/", StringComparison.Ordinal)))
        {
            var other = Path.Combine(b, Path.GetRelativePath(a, file));
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(other)), $"{Path.GetRelativePath(a, file)} differs");
        }
    }

    /// <summary>Lag of <paramref name="wet"/> against <paramref name="dry"/> over [a, b), searched within +-50 ms.</summary>
    private static int Lag(float[] dry, float[] wet, int a, int b)
    {
        const int search = 800;
        var from = Math.Max(0, a - search);
        var to = Math.Min(wet.Length, b + search);
        return AlignmentProbe.Lag(dry.AsSpan(a, b - a), wet.AsSpan(from, to - from), search + (a - from)) - (a - from);
    }

    /// <summary>Pools of made-up voices: planning needs voices and noise "files", not their audio.</summary>
    private static Dictionary<string, SplitPool> Pools()
    {
        var pools = SplitAssigner.Splits.ToDictionary(s => s, _ => new SplitPool());
        foreach (var (split, pool) in pools)
        {
            foreach (var i in Enumerable.Range(0, 4))
            {
                pool.Add(new Voice(TtsEngineKind.Espeak, $"en+{split}{i}", $"{split}{i}"), saysKeyword: true, speaksPhonemes: false);
            }
            pool.Generated.Add((NoiseColor.Pink, 0));
        }
        return pools;
    }

    [Fact]
    public void PlansDrawEveryConditionInItsRangeFromTheSeed()
    {
        var config = new SynthConfig { OutputDirectory = "unused", Clips = 60, Seed = 3, PositiveFraction = 1, Sources = [] };
        var many = new CorpusPlanner(config, Pools()).Plan();
        var a = many.Select(p => p.Acoustics).ToList();
        Assert.InRange(a.Count(x => x.Room is not null), 8, 32);
        Assert.InRange(a.Count(x => x.Channel.Kind != ChannelKind.None), 2, 20);
        Assert.InRange(a.Count(x => x.Babble is not null), 4, 24);
        Assert.All(a.Where(x => x.Babble is not null), x => Assert.InRange(x.Babble!.Talkers.Count, 2, 6));
        Assert.All(a, x => Assert.InRange(x.GainDbfs!.Value, -30, 0));
        Assert.Contains(a, x => x.GapAfter.Count > 0);
        Assert.All(a.SelectMany(x => x.GapAfter.Values), g => Assert.InRange(g, 0, 0.05));
        Assert.Contains(a, x => x.Overlap is not null);
        Assert.All(a.Where(x => x.Overlap is not null), x => Assert.InRange(x.Overlap!.RelativeDb, -10, 0));
        Assert.All(many.Where(p => p.Acoustics.Room is not null), p => Assert.Equal(p.Items.Count, p.Acoustics.Room!.Sources.Count));
        Assert.All(many, p => Assert.InRange(p.Noise.SnrDb, -5, 30));
        // Run-on speech sits right next to a keyword, in the keyword's voice.
        foreach (var plan in many)
        {
            foreach (var (index, _) in plan.Acoustics.GapAfter)
            {
                var pair = new[] { plan.Items[index], plan.Items[index + 1] };
                Assert.Contains(pair, i => i.Kind == ItemKind.Keyword);
                Assert.Single(pair.Select(i => i.VoiceId).Distinct());
            }
        }
        // Same seed, same plans; another seed, other conditions.
        Assert.Equal(many.Select(Describe), new CorpusPlanner(config, Pools()).Plan().Select(Describe));
        Assert.NotEqual(many.Select(Describe), new CorpusPlanner(config with { Seed = 4 }, Pools()).Plan().Select(Describe));
        // Onset streams get no babble, run-on or overlapping talk (their labels would call it background).
        var onset = new CorpusPlanner(config with { Task = SynthTask.Onset }, Pools()).Plan();
        Assert.All(onset, p => Assert.True(p.Acoustics.Babble is null && p.Acoustics.Overlap is null && p.Acoustics.GapAfter.Count == 0));
    }

    private static string Describe(ClipPlan plan)
    {
        var meta = new Dictionary<string, string>();
        plan.Acoustics.Describe(meta, plan.Acoustics.Channel);
        return string.Join(';', meta.Select(kv => $"{kv.Key}={kv.Value}")) + "|" + string.Join(',', plan.Items.Select(i => i.Tts?.Text ?? i.Real?.Id));
    }
}
