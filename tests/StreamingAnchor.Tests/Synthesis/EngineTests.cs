using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

/// <summary>Each installed engine's cut "hey jarvis": plausible length, and its end on the last voiced frame.</summary>
public sealed class EngineTests
{
    public static TheoryData<string> Engines => ["espeak", "flite", "festival"];

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    [Trait("Category", "E2E")]
    public void KeywordIsCutTightlyForEveryVoiceOfTheEngine(string name)
    {
        ITtsEngine engine = name switch
        {
            "espeak" => new EspeakEngine(),
            "flite" => new FliteEngine(),
            _ => new FestivalEngine(),
        };
        Skip.If(engine.Unavailable() is not null, engine.Unavailable());
        var voices = engine.Voices();
        Assert.NotEmpty(voices);
        // espeak has ~13,000 voices (language voices x variants), ~5,000 of which say the keyword (the others read it
        // with other sounds or spell it): a fixed spread of those; the others: all.
        var keywordVoices = VoiceCatalog.Build([engine], "hey jarvis", 2).KeywordVoices;
        var chosen = engine.Kind == TtsEngineKind.Espeak
            ? voices.Where(v => keywordVoices.Contains(v.Id)).Where((_, i) => i % 97 == 0).ToList()
            : voices.ToList();
        var requests = chosen.Select(v => new SpeechRequest(v, "hey jarvis", 1.0, 1.0)).ToList();
        var dir = SynthFixture.TempDir("engine-" + name);
        var audio = engine.Synthesize(requests, dir, CancellationToken.None);
        Assert.Equal(requests.Count, audio.Count);
        // Engine-timed ends (espeak zeros, flite slt/rms, festival HTS) are a few ms from the energy end; energy-cut
        // voices match it up to the frame grid (5 ms frames at the native rate vs. at 16 kHz on the faded cut: one
        // frame and a bit for espeak voices with a -40..-50 dB tail such as inc/sd). 25 ms covers the /s/ decay of every voice.
        var tolerance = engine.Kind == TtsEngineKind.Espeak ? 0.015 : 0.025;
        for (var i = 0; i < audio.Count; i++)
        {
            var x = audio[i];
            var speech = (x.Length - 2 * SpeechCut.Margin) / 16000.0;
            Assert.InRange(speech, 0.3, 1.6);
            var (_, end) = SpeechCut.EnergyBounds(x, 16000, 40);
            var labelEnd = (x.Length - SpeechCut.Margin) / 16000.0;
            Assert.True(Math.Abs(end / 16000.0 - labelEnd) <= tolerance,
                $"{requests[i].Voice.Id}: energy end {end / 16000.0:F3} s vs label end {labelEnd:F3} s");
        }
    }
}
