using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Tests.Audio;

namespace StreamingAnchor.Tests.Data;

public class ManifestCheckerTests
{
    private static string Line(string id, string audio, double duration, string split = "train", string events = "", string extra = "") =>
        $"{{\"id\":\"{id}\",\"audio\":\"{audio}\",\"duration\":{duration},\"split\":\"{split}\",\"events\":[{events}]{extra}}}";

    private static string Ev(string label, double start, double end) => $"{{\"label\":\"{label}\",\"start\":{start},\"end\":{end}}}";

    private static void Wav(ScratchDir dir, string name, double seconds) =>
        WavFile.Write(dir.File(name), new float[(int)(seconds * 16000)], 16000);

    [Fact]
    public void NamesEachBrokenLineAndSummarisesTheRest()
    {
        using var dir = new ScratchDir();
        Wav(dir, "a.wav", 1.0);
        Wav(dir, "b.wav", 2.0);
        File.WriteAllText(dir.File("bad.wav"), "RIFF....WAVEjunk");
        FrameStreamFile.Write(dir.File("acc.npy"), new FeatureMatrix(new float[98 * 3], 98, 3));
        FrameStreamFile.Write(dir.File("short.npy"), new FeatureMatrix(new float[50 * 3], 50, 3));
        var lines = new[]
        {
            Line("ok1", "a.wav", 1.0, events: Ev("hey", 0.2, 0.6), extra: ",\"streams\":{\"acc\":\"acc.npy\"}"),   // 1
            Line("ok2", "b.wav", 2.0, "dev", Ev("hey", 0.1, 0.5) + "," + Ev("hey", 1.0, 1.5) + "," + Ev("speech", 0.1, 1.8), ",\"anchors\":[0.5]"), // 2
            Line("missing", "nope.wav", 1.0),                                                                 // 3
            Line("unreadable", "bad.wav", 1.0),                                                               // 4
            "{\"id\":\"broken\", \"audio\": ",                                                                // 5
            Line("outside", "a.wav", 1.0, events: Ev("hey", 0.5, 1.4)),                                       // 6
            Line("overlap", "a.wav", 1.0, events: Ev("hey", 0.1, 0.5) + "," + Ev("hey", 0.4, 0.8)),           // 7
            Line("anchor", "a.wav", 1.0, extra: ",\"anchors\":[1.7]"),                                         // 8
            Line("ok1", "a.wav", 1.0),                                                                         // 9
            Line("duration", "a.wav", 3.0),                                                                    // 10
            Line("stream", "a.wav", 1.0, extra: ",\"streams\":{\"acc\":\"short.npy\"}"),                       // 11
            "",
            Line("negative", "a.wav", -1),                                                                     // 13
        };
        var manifest = dir.File("m.jsonl");
        File.WriteAllLines(manifest, lines);

        var result = ManifestChecker.Check(manifest);

        string ProblemAt(int line) => string.Join(" | ", result.Problems.Where(p => p.Line == line).Select(p => p.Message));
        Assert.Equal("", ProblemAt(1));
        Assert.Equal("", ProblemAt(2));
        Assert.Contains("audio file missing: nope.wav", ProblemAt(3));
        Assert.Contains("unreadable audio", ProblemAt(4));
        Assert.Contains("not valid JSON", ProblemAt(5));
        Assert.Contains("outside the clip", ProblemAt(6));
        Assert.Contains("overlap", ProblemAt(7));
        Assert.Contains("anchor 1.7 s lies outside the clip", ProblemAt(8));
        Assert.Contains("duplicate id (first on line 1)", ProblemAt(9));
        Assert.Contains("lasts 1 s", ProblemAt(10));
        Assert.Contains("stream 'acc' has 50 frames but the audio has 98", ProblemAt(11));
        Assert.Contains("duration must be a positive number", ProblemAt(13));
        Assert.Equal(10, result.BadLines);

        var s = result.Summary;
        Assert.Equal((12, 2), (s.Lines, s.Clips));
        Assert.Equal(3.0 / 3600, s.Hours, 9);
        Assert.Equal(new Dictionary<string, int> { ["hey"] = 3, ["speech"] = 1 }, s.EventsPerLabel);
        Assert.Equal(new Dictionary<string, int> { ["dev"] = 1, ["train"] = 1 }, s.ClipsPerSplit);
        Assert.Equal((1, 1), (s.ClipsWithAnchors, s.ClipsWithStreams));
    }

    [Fact]
    public void DecodingFindsNaNSamplesThatTheHeaderHides()
    {
        using var dir = new ScratchDir();
        File.WriteAllBytes(dir.File("nan.wav"), WavBytes.Riff(WavBytes.Fmt(3, 1, 16000, 32),
            WavBytes.Chunk("data", WavBytes.Encode([0f, float.NaN, .. new float[15998]], 32, true))));
        var manifest = dir.File("m.jsonl");
        File.WriteAllText(manifest, Line("n", "nan.wav", 1.0) + "\n");

        Assert.True(ManifestChecker.Check(manifest).Ok);
        var decoded = ManifestChecker.Check(manifest, new ManifestCheckOptions { DecodeAudio = true });
        Assert.Contains("not a finite number", Assert.Single(decoded.Problems).Message);
    }

    [Fact]
    public void EmptyManifestIsAProblem()
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("e.jsonl"), "\n\n");
        Assert.Contains("empty", Assert.Single(ManifestChecker.Check(dir.File("e.jsonl")).Problems).Message);
    }

    [Fact]
    public void CliNamesTheBrokenLineAndStillSummarises()
    {
        using var dir = new ScratchDir();
        Wav(dir, "a.wav", 1.0);
        var manifest = dir.File("m.jsonl");
        File.WriteAllLines(manifest,
        [
            Line("c1", "a.wav", 1.0, events: Ev("hey", 0.2, 0.6)),
            Line("c2", "a.wav", 1.0, "test", Ev("hey", 0.3, 0.7)),
            Line("c3", "gone.wav", 1.0, events: Ev("hey", 0.3, 0.7)),
        ]);

        var (code, stdout, stderr) = SalProcess.Run("data", "check", manifest);

        Assert.Equal(1, code);
        Assert.Contains($"error: {manifest}:3: [c3] audio file missing: gone.wav", stderr);
        Assert.DoesNotContain("error:", stdout);
        Assert.Contains("3 lines, 2 valid clips", stdout);
        Assert.Contains("test 1 clips", stdout);
        Assert.Contains("train 1 clips", stdout);
        Assert.Contains("events per label: hey 2", stdout);

        File.WriteAllLines(manifest, [Line("c1", "a.wav", 1.0)]);
        Assert.Equal(0, SalProcess.Run("data", "check", manifest).ExitCode);
        var missing = SalProcess.Run("data", "check", dir.File("none.jsonl"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("manifest not found", missing.Stderr);
    }
}
