using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

/// <summary>Voice breadth: the catalog's splits and counts, seeded perturbation, and labels under every new control.</summary>
public sealed class VoiceTests
{
    private static ITtsEngine EngineNamed(string name) => CorpusGenerator.Engine(name);

    [Fact]
    public void IpaSkeletonKeepsAccentsAndRejectsOtherWords()
    {
        string[] english = ["hˈeɪ dʒˈɑːɹvɪs", "hˈeɪ dʒˈɑːvɪs", "ˈeː dʒˈɑːvɪs"];
        Assert.True(IpaSkeleton.Matches("(en)hˈeɪ5 dʒˈɑːɑːvɪ5s(cmn)", english));
        Assert.True(IpaSkeleton.Matches("hˈej dʒˈæɾʋys", english));
        Assert.True(IpaSkeleton.Matches("ˈɛi dʒˈarvis", english));
        Assert.False(IpaSkeleton.Matches("ˈeɪ xˈaɾβis", english));
        Assert.False(IpaSkeleton.Matches("hˈei jˈarvis", english));
        Assert.False(IpaSkeleton.Matches("ˈɛ ʒaʁvˈi", english));
        Assert.False(IpaSkeleton.Matches("(en)ˈeɪtʃ ˈiː wˈaɪ dʒˈeɪ ˈeɪ ˈɑː vˈiː ˈaɪ ˈɛs(ja)", english));
    }

    [SkippableFact]
    public void SplitsAreDisjointByBaseVoiceAndVariantAndEachHasKeywordVoices()
    {
        Skip.If(!ToolRunner.Exists("espeak-ng"), "espeak-ng not installed (scripts/setup.sh installs it)");
        var engines = new[] { "espeak", "flite", "festival" }.Select(EngineNamed).Where(e => e.Unavailable() is null).ToList();
        var catalog = VoiceCatalog.Build(engines, "hey jarvis", 2);
        Assert.Equal(catalog.Voices.Count, catalog.SplitOf.Count);
        foreach (var key in new Func<Voice, string>[] { v => v.BaseVoice, v => v.Speaker })
        {
            var splitsPerKey = catalog.Voices.GroupBy(key).Select(g => g.Select(v => catalog.SplitOf[v.Id]).Distinct().Count());
            Assert.All(splitsPerKey, n => Assert.Equal(1, n));
        }
        var counts = catalog.Counts();
        Assert.Equal(["train", "dev", "test"], counts.Select(c => c.Split));
        Assert.All(counts, c => Assert.True(c.KeywordVoices > 0 && c.Voices > c.KeywordVoices, $"{c.Split}: {c}"));
        // Every split has English espeak voices for the phoneme-level confusables.
        foreach (var split in SplitAssigner.Splits)
        {
            Assert.Contains(catalog.PhonemeVoices, id => catalog.SplitOf[id] == split);
        }
        var again = VoiceCatalog.Build(engines, "hey jarvis", 1);
        Assert.Equal(catalog.SplitOf.OrderBy(kv => kv.Key), again.SplitOf.OrderBy(kv => kv.Key));
    }

    [SkippableFact]
    public void AllEnginesOfferAThousandKeywordSpeakerConfigurations()
    {
        var engines = new[] { "espeak", "flite", "festival" }.Select(EngineNamed).ToList();
        Skip.If(engines.Any(e => e.Unavailable() is not null), string.Join("; ", engines.Select(e => e.Unavailable()).OfType<string>()));
        var counts = VoiceCatalog.Build(engines, "hey jarvis", 2).Counts();
        Assert.True(counts.Sum(c => c.KeywordConfigurations) >= 1000, string.Join("; ", counts));
        // Held-out splits alone are large enough to measure over many unseen speakers.
        Assert.All(counts, c => Assert.True(c.KeywordConfigurations >= 500, c.ToString()));
    }

    [SkippableFact]
    public void SameSeedGivesByteIdenticalUtterancesAndOtherDrawsDiffer()
    {
        Skip.If(!ToolRunner.Exists("espeak-ng"), "espeak-ng not installed (scripts/setup.sh installs it)");
        var voices = new EspeakEngine().Voices();
        var voice = voices.First(v => v.Name == "gmw/en-US+f3");
        List<SpeechRequest> Draw(int seed)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, 6).Select(_ => VoicePerturbation.DrawWithProsody(rng, voice, "hey jarvis")).ToList();
        }
        var a = Draw(3);
        var b = Draw(3);
        Assert.Equal(a.Select(r => r.CacheKey), b.Select(r => r.CacheKey));
        var engine = new EspeakEngine();
        var audioA = engine.Synthesize(a, SynthFixture.TempDir("perturb-a"), CancellationToken.None);
        var audioB = engine.Synthesize(b, SynthFixture.TempDir("perturb-b"), CancellationToken.None);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(audioA[i], audioB[i]);
        }
        // Distinct draws are distinct sounds: no two different requests give the same samples.
        var distinct = a.DistinctBy(r => r.CacheKey).ToList();
        Assert.True(distinct.Count >= 3, "six draws gave fewer than three configurations");
        var sounds = engine.Synthesize(distinct, SynthFixture.TempDir("perturb-c"), CancellationToken.None);
        Assert.Equal(distinct.Count, sounds.Select(s => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan())))).Distinct().Count());
        Assert.NotEqual(a.Select(r => r.CacheKey), Draw(4).Select(r => r.CacheKey));
    }

    public static TheoryData<string> Engines => ["espeak", "flite", "festival"];

    /// <summary>Amplitude, word gap, emphasis, commas, phoneme input and timbre keep the label on the last voiced frame.</summary>
    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void PerturbedKeywordEndsAtItsLastVoicedFrame(string name)
    {
        var engine = EngineNamed(name);
        Skip.If(engine.Unavailable() is not null, engine.Unavailable());
        var voices = engine.Voices();
        List<SpeechRequest> requests;
        if (engine.Kind == TtsEngineKind.Espeak)
        {
            var en = voices.First(v => v.Name == "gmw/en-US");
            var ru = voices.First(v => v.Name == "zle/ru+m3");
            var it = voices.First(v => v.Name == "roa/it+f2");
            requests =
            [
                new SpeechRequest(en, "hey jarvis", 1.25, 0.6, amplitude: 70),
                new SpeechRequest(ru, "hey jarvis", 0.8, 1.4, wordGap: 8),
                new SpeechRequest(it, "hey jarvis", 1.0, 1.2, emphasizedWord: 1),
                new SpeechRequest(en, "hey, jarvis", 0.9, 0.8, amplitude: 85),
                new SpeechRequest(en, "h'eI dZ'A@vIz", 1.0, 1.0, wordGap: 3, isPhonemes: true),
            ];
        }
        else
        {
            requests = voices.SelectMany(v => new[]
            {
                new SpeechRequest(v, "hey jarvis", 1.12, v.FixedPitch ? 1.0 : 0.88, timbre: 0.9),
                new SpeechRequest(v, "hey, jarvis", 0.8, v.FixedPitch ? 1.0 : 1.12, timbre: 1.1),
            }).ToList();
        }
        var audio = engine.Synthesize(requests, SynthFixture.TempDir("perturbed-" + name), CancellationToken.None);
        var tolerance = engine.Kind == TtsEngineKind.Espeak ? 0.015 : 0.025;
        for (var i = 0; i < audio.Count; i++)
        {
            var x = audio[i];
            var speech = (x.Length - 2 * SpeechCut.Margin) / 16000.0;
            Assert.InRange(speech, 0.3, 2.0);
            var (_, end) = SpeechCut.EnergyBounds(x, 16000, 40);
            var labelEnd = (x.Length - SpeechCut.Margin) / 16000.0;
            Assert.True(Math.Abs(end / 16000.0 - labelEnd) <= tolerance,
                $"{requests[i].Voice.Id} {requests[i].CacheKey}: energy end {end / 16000.0:F3} s vs label end {labelEnd:F3} s");
        }
    }

    [Fact]
    public void RetimingKeepsAnImpulseOnItsMappedSample()
    {
        var native = new float[16000];
        native[4000] = 1f;
        var clip = new StreamingAnchor.Audio.AudioClip(native, 16000);
        foreach (var factor in VoicePerturbation.Timbres)
        {
            // Cut [4000, 8000): the impulse sits exactly on the label start after retiming and resampling.
            var cut = SpeechCut.Cut(SpeechCut.Retimed(clip, factor), 4000, 8000);
            var peak = Array.IndexOf(cut, cut.Max());
            Assert.Equal(SpeechCut.Margin, peak);
            Assert.Equal((int)Math.Round(4000 * 16000 / (16000 * factor)) + 2 * SpeechCut.Margin, cut.Length, 1.0);
        }
    }
}
