using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class LongStreamTests
{
    /// <summary>Pools with one espeak voice per split and generated noise: enough to plan (not render) a corpus.</summary>
    private static Dictionary<string, SplitPool> PlanningPools()
    {
        var pools = SplitAssigner.Splits.ToDictionary(s => s, _ => new SplitPool());
        foreach (var (split, k) in SplitAssigner.Splits.Select((s, k) => (s, k)))
        {
            pools[split].Add(new Voice(TtsEngineKind.Espeak, $"en-us+v{k}", $"espeak-variant:v{k}"), saysKeyword: true, speaksPhonemes: false);
            pools[split].Generated.Add((NoiseColor.Pink, k));
        }
        return pools;
    }

    [Fact]
    public void TwentyHoursPlanAtLeastFiveHoursOfLongNegativesForTest()
    {
        var config = new SynthConfig { OutputDirectory = "", Hours = 20, Engines = ["espeak"], Sources = [] };
        var plans = new CorpusPlanner(config, PlanningPools()).Plan();
        var longPlans = plans.Where(p => p.Long is not null).ToList();
        // Rendered streams are at least their target long, so planned targets bound the test split's hours from below.
        var testHours = longPlans.Where(p => p.Split == "test").Sum(p => p.TargetSeconds) / 3600;
        Assert.True(testHours >= 5, $"test long negatives {testHours:F2} h");
        Assert.All(longPlans, p => Assert.InRange(p.TargetSeconds, 60, 180));
        Assert.All(longPlans, p => Assert.DoesNotContain(p.Items, i => i.Kind == ItemKind.Keyword));
        // Dev and test get a larger share of long streams than of clips.
        double Share(IEnumerable<ClipPlan> ps, string split) => (double)ps.Count(p => p.Split == split) / ps.Count();
        var clips = plans.Where(p => p.Long is null).ToList();
        Assert.True(Share(longPlans, "test") > 2 * Share(clips, "test"));
        Assert.Equal(plans.Count, plans.Select(p => p.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, plans.Count), plans.Select(p => p.Index));
        // Every kind is planned.
        Assert.Equal(Enum.GetValues<LongStreamKind>().Where(k => k is not (LongStreamKind.BackgroundThenSpeech or LongStreamKind.Bystanders)),
            longPlans.Select(p => p.Long!.Kind).Distinct().Order());
    }

    [Fact]
    public void ABackgroundBedListsDistinctFilesAndRepeatsOnlyWhenItsSourceRunsOut()
    {
        var pools = PlanningPools();
        var effects = RealSourceCatalog.All.First(s => s.Kind == RealSourceKind.Noise);
        var ambience = RealSourceCatalog.All.First(s => s.Kind == RealSourceKind.Noise && s.Name != effects.Name);
        foreach (var pool in pools.Values)
        {
            // One source with many short files, one with a few.
            pool.Noise.AddRange(Enumerable.Range(0, 500).Select(i => new RealFile(effects, $"fx{i}.ogg", $"/x/fx{i}.ogg")));
            pool.Noise.AddRange(Enumerable.Range(0, 5).Select(i => new RealFile(ambience, $"amb{i}.ogg", $"/x/amb{i}.ogg")));
        }
        var config = new SynthConfig { OutputDirectory = "", Hours = 4, Engines = ["espeak"], Sources = [], Task = SynthTask.Onset };
        var beds = new CorpusPlanner(config, pools).Plan().Where(p => p.Long is { Beds.Count: > 0 }).Select(p => p.Long!.Beds).ToList();
        Assert.NotEmpty(beds);
        Assert.All(beds, b => Assert.Equal(b.Count, b.Select(f => f.Id).Distinct().Count()));
        Assert.All(beds, b => Assert.Single(b.Select(f => f.Source.Name).Distinct()));
        Assert.All(beds, b => Assert.Equal(b[0].Source.Name == effects.Name ? LongStreamPlanner.BedFiles : 5, b.Count));
        Assert.Contains(beds, b => b[0].Source.Name == effects.Name);
        Assert.Contains(beds, b => b[0].Source.Name == ambience.Name);
        // Different streams play different files of the large source.
        var firsts = beds.Where(b => b[0].Source.Name == effects.Name).Select(b => b[0].Id).ToList();
        Assert.True(firsts.Distinct().Count() > firsts.Count / 2, $"{firsts.Distinct().Count()} distinct first files of {firsts.Count}");
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void LongStreamsAreLongNegativeInEverySplitAndDeterministic()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        SynthConfig Config(string dir, int workers) => SynthFixture.Tiny(SynthTask.Kws, dir, 3) with
        {
            LongStreams = 4, LongMinSeconds = 30, LongMaxSeconds = 40, Workers = workers,
        };
        var a = SynthFixture.TempDir("long-a");
        var b = SynthFixture.TempDir("long-b");
        var result = CorpusGenerator.Generate(Config(a, 2));
        CorpusGenerator.Generate(Config(b, 1));
        var manifest = Manifest.Load(result.ManifestPath);
        var longOnes = manifest.Entries.Where(e => e.Meta!["type"].StartsWith("long-", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, longOnes.Count);
        Assert.Equal(["dev", "test", "train"], longOnes.Select(e => e.Split).Distinct().Order());
        foreach (var e in longOnes)
        {
            Assert.Empty(e.Events);
            Assert.InRange(e.Duration, 30, 60);
            var x = WavFile.Read(manifest.Resolve(e.Audio)).Samples;
            Assert.Equal(e.Duration, x.Length / 16000.0, 6);
            Assert.True(x.Max(Math.Abs) > 1e-4f, $"{e.Id} is silent");
        }
        foreach (var file in Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories)
                     .Where(f => !Path.GetRelativePath(a, f).StartsWith(".work", StringComparison.Ordinal)))
        {
            var other = Path.Combine(b, Path.GetRelativePath(a, file));
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(other)), $"{file} differs");
        }

        // The summary counts what the manifest holds.
        var summary = CorpusSummary.Read(a);
        Assert.Equal(["train", "dev", "test"], summary.Splits.Select(s => s.Split));
        foreach (var s in summary.Splits)
        {
            var entries = manifest.Split(s.Split);
            Assert.Equal(longOnes.Count(e => e.Split == s.Split), s.LongStreams);
            Assert.Equal(entries.Count - s.LongStreams, s.Clips);
            Assert.Equal(entries.Where(e => e.Events.Count == 0).Sum(e => e.Duration) / 3600, s.NegativeHours, 9);
            Assert.Equal(entries.Sum(e => e.Duration) / 3600, s.BedHours.Values.Sum(), 9);
            Assert.Equal(entries.SelectMany(e => e.Meta!["voices"].Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct().Count(), s.Voices);
            Assert.True(s.SpeechHours > 0);
        }
        Assert.True(summary.AudioBytes > 0 && summary.WorkBytes > 0);
        Directory.Delete(a, recursive: true);
        Directory.Delete(b, recursive: true);
    }

    [SkippableFact]
    public void OnsetLongStreamsHaveBackgroundBeforeEverySpeechEvent()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("long-onset");
        var prepared = CorpusGenerator.Prepare(SynthFixture.Tiny(SynthTask.Onset, dir, 3) with
        {
            LongStreams = 6, LongMinSeconds = 40, LongMaxSeconds = 50,
        });
        var withSpeech = prepared.Plans.Where(p => p.Long?.Kind == LongStreamKind.BackgroundThenSpeech).ToList();
        Skip.If(withSpeech.Count == 0, "seed 7 planned no background-then-speech stream");
        foreach (var plan in withSpeech)
        {
            var clip = prepared.Renderer.Render(plan, CancellationToken.None);
            Assert.True(clip.Entry.Events.Count >= 2);
            Assert.Equal(clip.Entry.Events.Select(e => e.Start), clip.Entry.Anchors!);
            // Speech is spread over the stream, not packed at its start.
            Assert.True(clip.Entry.Events[^1].End > 0.6 * plan.TargetSeconds, $"{plan.Id}: last speech ends at {clip.Entry.Events[^1].End:F1} s");
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void SummaryOfAnOlderManifestDerivesWhatItsMetaLacks()
    {
        ManifestEntry Entry(string split, string noise, string voices, bool positive) => new()
        {
            Id = Guid.NewGuid().ToString("N"), Audio = "a.wav", Duration = 1800, Split = split,
            Events = positive ? [new ManifestEvent("keyword", 1, 2)] : [],
            Meta = new Dictionary<string, string> { ["type"] = positive ? "positive" : "negative", ["noise"] = noise, ["voices"] = voices },
        };
        var rows = CorpusSummary.Of(
        [
            Entry("test", "qabcs:a.ogg", "espeak:en-us,real:fillets-cs", true),
            Entry("test", "generated:pink-01", "espeak:en-us+f1", false),
            Entry("train", "none", "flite:kal16", false),
        ]);
        Assert.Equal(["train", "test"], rows.Select(r => r.Split));
        var test = rows[1];
        Assert.Equal(2, test.Voices);
        Assert.Equal(2, test.Packages); // qabcs-data, fillets-ng-data-cs
        Assert.Null(test.SpeechHours);
        Assert.Equal(0.5, test.BedHours["noise"]);
        Assert.Equal(0.5, test.BedHours["generated"]);
        Assert.Equal(1, test.PositiveClips);
        Assert.Equal(0.5, test.NegativeHours);
        Assert.Equal(0, test.LongStreams);
        Assert.Equal(0.5, rows[0].BedHours["none"]);
    }

    [Fact]
    public void SummaryCommandNamesAMissingManifest()
    {
        var dir = SynthFixture.TempDir("summary-missing");
        var (code, _, stderr) = SalProcess.Run("synth", "summary", dir);
        Assert.Equal(1, code);
        Assert.Contains("manifest.jsonl: no manifest", stderr);
        Directory.Delete(dir, recursive: true);
    }
}
