using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Tests.Synthesis;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>
/// No external tool interprets user text: hostile keywords, confusables and output folders are spoken or used literally
/// by every engine, and none of the shell/Scheme payloads in them runs.
/// </summary>
public sealed class InjectionTests
{
    public static TheoryData<string> Engines => ["espeak", "flite", "festival"];

    /// <summary>Texts that would run <c>touch CANARY</c> or act as options if any layer interpreted them.</summary>
    private static string[] HostileTexts(string canary) =>
    [
        $"hey \")(system \"touch {canary}\")(list \"",
        $"hey $(touch {canary}) jarvis",
        $"hey `touch {canary}` jarvis",
        $"hey jarvis; touch {canary}",
        "-q hey jarvis",
        "--stdin",
        "--help",
        "hey \\\" back\\slash ' quote",
        "hey\njarvis (with) [brackets] {braces}",
    ];

    private static ITtsEngine Engine(string name) => name switch
    {
        "espeak" => new EspeakEngine(),
        "flite" => new FliteEngine(),
        _ => new FestivalEngine(),
    };

    [SkippableTheory]
    [MemberData(nameof(Engines))]
    public void HostileTextsAndScratchFoldersAreTakenLiterally(string name)
    {
        var engine = Engine(name);
        var unavailable = engine.Unavailable();
        Skip.If(unavailable is not null, unavailable);
        using var folder = new ScratchDir();
        var canary = folder.File("PWNED");
        // The scratch folder itself carries a Scheme/shell payload, as an --out would.
        var scratch = Directory.CreateDirectory(folder.File($"a\")(system \"touch {canary}\")(list \" $(touch {canary})")).FullName;
        var voice = engine.Voices()[0];
        var requests = HostileTexts(canary).Select(t => new SpeechRequest(voice, t, 1.0, 1.0)).ToList();

        var audio = engine.Synthesize(requests, scratch, CancellationToken.None);

        Assert.False(File.Exists(canary), $"{name} ran a payload");
        Assert.Equal(requests.Count, audio.Count);
        // Spoken, not swallowed: every text (even "--help") yields speech, more of it for longer texts.
        Assert.All(audio, a => Assert.True(a.Length > 2 * SpeechCut.Margin + 1600, $"{name}: {a.Length} samples"));
    }

    [Fact]
    public void SchemeStringsEscapeOnlyQuotesAndBackslashes()
    {
        Assert.Equal("\"a\\\"b\\\\c (d)\n\"", FestivalEngine.SchemeString("a\"b\\c (d)\n"));
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void SynthOutFolderWithASchemePayloadCreatesNothing()
    {
        var unavailable = new FestivalEngine().Unavailable();
        Skip.If(unavailable is not null, unavailable);
        using var folder = new ScratchDir();
        var canary = folder.File("PWNED");
        var output = folder.File($"a\")(system \"touch {canary}\")(list \"");

        var (code, stdout, stderr) = SalProcess.Run("synth", "kws", "--out", output, "--clips", "3", "--clip-seconds", "3",
            "--sources", "none", "--engines", "festival");

        Assert.False(File.Exists(canary), "festival ran a payload from --out");
        Assert.True(code == 0, stdout + stderr);
        Assert.True(File.Exists(Path.Combine(output, "manifest.jsonl")));
    }

    [SkippableTheory]
    [InlineData("--stdin")]
    [InlineData("-q hey jarvis")]
    [Trait("Category", "E2E")]
    public void KeywordsThatLookLikeOptionsAreSpoken(string keyword)
    {
        Skip.IfNot(SynthFixture.EspeakAvailable, "espeak-ng or sox not installed");
        using var folder = new ScratchDir();
        var output = folder.File("out");

        var (code, stdout, stderr) = SalProcess.Run("synth", "kws", "--out", output, "--clips", "3", "--clip-seconds", "3",
            "--sources", "none", "--engines", "espeak", $"--keyword={keyword}");

        Assert.True(code == 0, stdout + stderr);
        var manifest = File.ReadAllText(Path.Combine(output, "manifest.jsonl"));
        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(keyword), manifest);
    }
}
