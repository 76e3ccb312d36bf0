using System.Text.RegularExpressions;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class RealSourceCatalogTests
{
    private const string ReservedList = "/work/shared/docs/reserved-sources.md";

    [Fact]
    public void EveryPackageIsInExactlyOneSplitAndEverySplitHasSpeechMusicAndNoise()
    {
        foreach (var package in RealSourceCatalog.All.GroupBy(s => s.Package))
        {
            Assert.Single(package.Select(s => s.Split).Distinct());
        }
        Assert.All(RealSourceCatalog.All, s => Assert.Contains(s.Split, SplitAssigner.Splits));
        Assert.Equal(RealSourceCatalog.All.Count, RealSourceCatalog.All.Select(s => s.Name.ToLowerInvariant()).Distinct().Count());
        // Speech says its language; music and noise have none.
        Assert.All(RealSourceCatalog.All, s => Assert.Equal(s.Kind == RealSourceKind.Speech, s.Language is not null));
        foreach (var split in SplitAssigner.Splits)
        {
            var kinds = RealSourceCatalog.All.Where(s => s.Split == split).Select(s => s.Kind).Distinct().Order();
            Assert.Equal([RealSourceKind.Speech, RealSourceKind.Noise, RealSourceKind.Music], kinds);
        }
    }

    [Fact]
    public void SpokenFoldersAreSkippedOnlyByTheirFolderName()
    {
        var source = RealSourceCatalog.Get("freedroid-effects");
        Assert.False(source.SpeechFree("bot_sounds/First_Contact_Sound_7.ogg"));
        Assert.False(source.SpeechFree("bot_sounds/deeper/Start_Attack_Sound_0.ogg"));
        Assert.True(source.SpeechFree("bullets/Phaser.ogg"));
        Assert.True(source.SpeechFree("bot_sounds.ogg"));
        Assert.True(source.SpeechFree("not_bot_sounds/x.ogg"));
        Assert.True(RealSourceCatalog.Get("lincity").SpeechFree("bot_sounds/x.wav"));
        // Excluded folders are matched the same way.
        Assert.True(source.Excluded("bot_sounds/voice_samples/2.ogg"));
        Assert.False(source.Excluded("voice_samples.ogg"));
        Assert.False(source.Excluded("bot_sounds/First_Contact_Sound_7.ogg"));
        // Only beds carry the mark: a speech source is speech throughout.
        Assert.All(RealSourceCatalog.All.Where(s => s.Spoken is { Count: > 0 }), s => Assert.NotEqual(RealSourceKind.Speech, s.Kind));
    }

    [SkippableFact]
    public void NoReservedPackageOrSiblingIsCatalogued()
    {
        Skip.If(!File.Exists(ReservedList), $"{ReservedList} not on this machine");
        var tokens = Regex.Matches(File.ReadAllText(ReservedList), @"-?[a-z0-9][a-z0-9.+]*(?:-[a-z0-9.+]+)+").Select(m => m.Value).ToList();
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        var continued = new List<(string Previous, string Name)>();
        var previous = "";
        foreach (var token in tokens)
        {
            // "name-aa-g722, -bb-g722": a leading dash replaces the last two parts of the previous name.
            var name = token.StartsWith('-') && previous.Count(c => c == '-') >= 2
                ? previous[..previous.LastIndexOf('-', previous.LastIndexOf('-') - 1)] + token
                : token;
            reserved.Add(name);
            if (token.StartsWith('-'))
            {
                continued.Add((previous, name));
            }
            previous = name;
        }
        // Siblings share the name up to the last part (-g722, -gsm, -wav, -ulaw, -alaw).
        static string Family(string p) => p.Contains('-') ? p[..p.LastIndexOf('-')] : p;
        var families = reserved.Where(r => Regex.IsMatch(r, "-(g722|gsm|wav|ulaw|alaw)$")).Select(Family).ToHashSet();
        // The shorthand was expanded: every dash-led name is a full sibling family, not a fragment.
        Assert.NotEmpty(continued);
        Assert.All(continued, c => Assert.Contains(Family(c.Name), families));
        Assert.All(continued, c => Assert.False(c.Name.StartsWith('-'), $"'{c.Name}' was not expanded"));
        // Same stem as the name it continues, with only the last two parts replaced.
        Assert.All(continued, c => Assert.Equal(Family(Family(c.Previous)), Family(Family(c.Name))));
        foreach (var source in RealSourceCatalog.All)
        {
            Assert.DoesNotContain(source.Package, reserved);
            Assert.DoesNotContain(Family(source.Package), families);
        }
    }

    [Fact]
    public void PlacingSourcesKeepsEachPackageInItsSplitAndRefusesAPackageInTwo()
    {
        static RealSource Source(string name, string package, RealSourceKind kind, string split) =>
            new(name, package, kind, "root", [".wav"], [], "test", "test", split, kind == RealSourceKind.Speech ? "en" : null);
        static IReadOnlyList<RealFile> Files(RealSource s, int n) =>
            Enumerable.Range(0, n).Select(i => new RealFile(s, $"f{i}.wav", $"/nowhere/{s.Name}/f{i}.wav")).ToList();
        var speech = Source("talk", "pkg-talk", RealSourceKind.Speech, "train");
        var music = Source("tunes", "pkg-game", RealSourceKind.Music, "test");
        var effects = Source("bangs", "pkg-game", RealSourceKind.Noise, "test");
        var pools = SplitAssigner.Splits.ToDictionary(s => s, _ => new SplitPool());
        SplitPool.PlaceSources(pools, [(speech, Files(speech, 5)), (music, Files(music, 3)), (effects, Files(effects, 40))]);
        Assert.Equal(5, pools["train"].Speech.Count);
        Assert.Equal(3, pools["test"].Music.Count);
        Assert.Equal(40, pools["test"].Noise.Count);
        Assert.Empty(pools["dev"].Noise);
        Assert.Empty(pools["train"].Noise);

        var split = Source("bangs", "pkg-game", RealSourceKind.Noise, "dev");
        var fresh = SplitAssigner.Splits.ToDictionary(s => s, _ => new SplitPool());
        var ex = Assert.Throws<SynthesisException>(() => SplitPool.PlaceSources(fresh, [(music, Files(music, 1)), (split, Files(split, 1))]));
        Assert.Contains("pkg-game", ex.Message);

        // A source is picked before a file, so 40 effects do not drown 3 music files... within their own kinds.
        var rng = new Random(1);
        var picks = Enumerable.Range(0, 200).Select(_ => pools["test"].Pick(RealSourceKind.Music, rng)!.Source.Name).ToList();
        Assert.All(picks, p => Assert.Equal("tunes", p));
        Assert.Null(pools["dev"].Pick(RealSourceKind.Speech, rng));
    }

    [Fact]
    public void PlansDrawRealFilesOnlyFromTheirSplitsPackages()
    {
        static RealSource Source(string package, RealSourceKind kind, string split) =>
            new(package, package, kind, "root", [".wav"], [], "test", "test", split, kind == RealSourceKind.Speech ? "xx" : null);
        var sources = SplitAssigner.Splits.SelectMany(split => new[]
        {
            Source($"{split}-talk", RealSourceKind.Speech, split),
            Source($"{split}-tunes", RealSourceKind.Music, split),
            Source($"{split}-bangs", RealSourceKind.Noise, split),
        }).ToList();
        var pools = SplitAssigner.Splits.ToDictionary(s => s, _ => new SplitPool());
        SplitPool.PlaceSources(pools, sources.Select(s =>
            (s, (IReadOnlyList<RealFile>)Enumerable.Range(0, 4).Select(i => new RealFile(s, $"{i}.wav", $"/nowhere/{i}.wav")).ToList())));
        foreach (var (split, pool) in pools)
        {
            pool.Add(new Voice(TtsEngineKind.Espeak, $"en+{split}", split), saysKeyword: true, speaksPhonemes: false);
            pool.Generated.Add((NoiseColor.Pink, 0));
        }
        var config = new SynthConfig { OutputDirectory = "unused", Clips = 300, Seed = 3 };
        var plans = new CorpusPlanner(config, pools).Plan();
        var used = new HashSet<RealSourceKind>();
        foreach (var plan in plans)
        {
            foreach (var file in plan.Items.Select(i => i.Real).Append(plan.Noise.Real).OfType<RealFile>())
            {
                Assert.Equal(plan.Split, file.Source.Split);
                used.Add(file.Source.Kind);
            }
        }
        Assert.Equal([RealSourceKind.Speech, RealSourceKind.Noise, RealSourceKind.Music], used.Order());
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void ATinyCorpusFromRealPackagesSharesNoPackageAcrossSplits()
    {
        Skip.If(!SynthFixture.EspeakAvailable || !ToolRunner.Exists("ffmpeg"), "espeak-ng, sox or ffmpeg not installed (scripts/setup.sh installs them)");
        // Three small packages (about 13 MB): keyboard clicks (train noise), toy effects and Mandarin syllables (dev).
        var names = new[] { "bucklespring", "gamine", "gcin" };
        var fetcher = new SourceFetcher(SynthConfig.DefaultSourceCache());
        var problems = names.Select(n => fetcher.Ensure(RealSourceCatalog.Get(n), CancellationToken.None).Problem).OfType<string>().ToList();
        Skip.If(problems.Count > 0, $"real packages cannot be fetched here: {string.Join("; ", problems)}");
        var dir = SynthFixture.TempDir("packages");
        try
        {
            var result = CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, dir, 24) with { Sources = names, TrainFraction = 0.45, DevFraction = 0.45 });
            var manifest = Manifest.Load(result.ManifestPath);
            var packages = manifest.Entries.GroupBy(e => e.Split).ToDictionary(g => g.Key,
                g => g.SelectMany(e => e.Meta!["packages"].Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet());
            Assert.Contains("gcin-voice", packages.GetValueOrDefault("dev") ?? []);
            Assert.Contains("bucklespring-data", packages.GetValueOrDefault("train") ?? []);
            foreach (var (split, used) in packages)
            {
                foreach (var package in used)
                {
                    Assert.Equal(split, RealSourceCatalog.All.First(s => s.Package == package).Split);
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
