using System.Text.Json;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Peers;

/// <summary>`sal peers` end to end on a handful of TTS streams, run as a user would run it (a separate process).</summary>
public sealed class PeersCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sal-peers-e2e-{Guid.NewGuid():N}");

    [Fact]
    [Trait("Category", "E2E")]
    public void KwsScoresOpenWakeWordOnTheTestStreamsWithOurMetrics()
    {
        var manifest = WriteManifest();
        var json = Path.Combine(_dir, "peers-kws.json");
        var (code, stdout, stderr) = SalProcess.Run("peers", "--task", "kws", "--keyword", "hey jarvis", "--data", manifest, "--phases", "2", "--out", json,
            "--plots", Path.Combine(_dir, "plots"));
        Assert.True(code == 0, stderr);
        Assert.Contains("openWakeWord hey_jarvis_v0.1", stdout);
        Assert.Contains("FRR @1 FA/h", stdout);
        Assert.True(new FileInfo(Path.Combine(_dir, "plots", "det.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(_dir, "plots", "latency.png")).Length > 1000);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var row = doc.RootElement.GetProperty("rows")[0];
        Assert.Equal(4 * 2, row.GetProperty("streams").GetInt32()); // test clips x offsets; the train clip is left out
        var at = row.GetProperty("result").GetProperty("atThreshold");
        Assert.Equal(2 * 2, at.GetProperty("events").GetInt32());
        Assert.Equal(4, at.GetProperty("hits").GetInt32());
        Assert.Equal(0, at.GetProperty("falseAlarms").GetInt32());
        var latency = at.GetProperty("latency").GetProperty("median").GetDouble();
        Assert.InRange(latency, 0.0, 1.0);
        Assert.InRange(row.GetProperty("realTimeFactor").GetDouble(), 1e-5, 1.0);
        Assert.True(row.GetProperty("parameters").GetInt64() > 500_000);
    }

    [Fact]
    public void OnsetScoresSileroOnTheSameStreams()
    {
        var manifest = WriteManifest(labelOtherSpeech: true);
        var json = Path.Combine(_dir, "peers-onset.json");
        var (code, stdout, stderr) = SalProcess.Run("peers", "--task", "onset", "--data", manifest, "--phases", "1", "--out", json,
            "--fa-per-hour", "30,2");
        Assert.True(code == 0, stderr);
        Assert.Contains("Silero VAD (silero v5)", stdout);
        Assert.Contains("miss @2 FO/h", stdout);
        Assert.Contains("miss @30 FO/h", stdout);
        Assert.DoesNotContain("miss @10 FO/h", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var at = doc.RootElement.GetProperty("rows")[0].GetProperty("result").GetProperty("atThreshold");
        Assert.Equal(4, at.GetProperty("events").GetInt32());
        Assert.True(at.GetProperty("hits").GetInt32() >= 3, $"Silero found {at.GetProperty("hits").GetInt32()} of 4 onsets");
        Assert.InRange(at.GetProperty("latency").GetProperty("median").GetDouble(), 0.0, 0.5);
    }

    [Fact]
    [Trait("Category", "E2E")]
    public void OurRunsArePrintedBesideThePeerOnTheSameStreams()
    {
        var manifest = WriteManifest();
        var run = Path.Combine(_dir, "run-gru");
        var train = SalProcess.Run("train", "--data", manifest, "--task", "kws", "--model", "gru", "--preset", "small", "--epochs", "1",
            "--out", run, "--threads", "1", "--seed", "1");
        Assert.True(train.ExitCode == 0, train.Stderr);

        var json = Path.Combine(_dir, "side-by-side.json");
        var (code, stdout, stderr) = SalProcess.Run("peers", "--task", "kws", "--data", manifest, "--phases", "1", "--runs", run, "--out", json);
        Assert.True(code == 0, stderr);
        Assert.Contains("run-gru", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        var ours = rows[1];
        Assert.Equal("ours", ours.GetProperty("kind").GetString());
        Assert.Equal(4, ours.GetProperty("streams").GetInt32());
        // Both are judged on the same two keyword events of the test split.
        Assert.Equal(2, ours.GetProperty("result").GetProperty("atThreshold").GetProperty("events").GetInt32());
        Assert.Equal(2, rows[0].GetProperty("result").GetProperty("atThreshold").GetProperty("events").GetInt32());
        Assert.InRange(ours.GetProperty("parameters").GetInt64(), 1_000, 200_000);
        Assert.True(ours.GetProperty("realTimeFactor").GetDouble() > 0);
        // The same two keywords, one per voice: our run is set against the peer voice for voice.
        Assert.Contains("FRR against openWakeWord hey_jarvis_v0.1, in points", stdout);
        Assert.Equal(2, ours.GetProperty("result").GetProperty("targets")[0].GetProperty("point").GetProperty("voiceInterval").GetProperty("tallies").GetArrayLength());

        var wrongTask = SalProcess.Run("peers", "--task", "onset", "--data", manifest, "--phases", "1", "--runs", run);
        Assert.Equal(2, wrongTask.ExitCode);
        Assert.Contains("trained for kws, not onset", wrongTask.Stderr);
    }

    [Fact]
    public void AMissingManifestIsAOneLineError()
    {
        var missing = Path.Combine(_dir, "nope.jsonl");
        var (code, _, stderr) = SalProcess.Run("peers", "--task", "kws", "--data", missing);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("nope.jsonl", stderr);
        Assert.Single(stderr.Trim().Split('\n'));

        var badBudget = SalProcess.Run("peers", "--task", "kws", "--data", missing, "--fa-per-hour", "1,-3");
        Assert.Equal(2, badBudget.ExitCode);
        Assert.Equal("error: --fa-per-hour: '-3' is not a positive number of false alarms per hour", badBudget.Stderr.Trim());

        // A task with no peer, and one that does not exist, are usage errors naming the flag.
        var trigger = SalProcess.Run("peers", "--task", "trigger", "--data", missing);
        Assert.Equal(2, trigger.ExitCode);
        Assert.Equal("error: --task: peers cover kws (openWakeWord) and onset (Silero VAD), not trigger (see `sal peers --help`)", trigger.Stderr.Trim());
        var unknown = SalProcess.Run("peers", "--task", "vad", "--data", missing);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("error: --task: unknown task 'vad' (expected kws, onset or trigger) (see `sal peers --help`)", unknown.Stderr.Trim());
    }

    /// <summary>Two "hey jarvis" streams and two other phrases (test split), plus train and dev clips that must be left out.</summary>
    /// <param name="labelOtherSpeech">Label the other phrases as speech events (onset) instead of leaving them unlabelled.</param>
    private string WriteManifest(bool labelOtherSpeech = false)
    {
        Directory.CreateDirectory(_dir);
        var entries = new List<ManifestEntry>();
        var specs = new (string Id, string Voice, string Text, string Split)[]
        {
            ("pos-espeak", "espeak:en-us", "hey jarvis", "test"),
            ("pos-slt", "flite:slt", "hey jarvis", "test"),
            ("neg-espeak", "espeak:en-us", "what's the weather today", "test"),
            ("neg-kal", "flite:kal16", "hey marvin", "test"),
            ("train-jarvis", "flite:kal16", "hey jarvis", "train"),
            ("train-other", "espeak:en-gb-x-rp", "turn on the lights", "train"),
            ("dev-jarvis", "espeak:en-gb-x-rp", "hey jarvis", "dev"),
        };
        const double lead = 1.5;
        foreach (var (id, voice, text, split) in specs)
        {
            var speech = TtsAudio.Speak(voice, text);
            var clip = TtsAudio.Pad(speech, lead, 1.5);
            WavFile.Write(Path.Combine(_dir, $"{id}.wav"), clip, 16000);
            var end = lead + speech.Length / 16000.0;
            entries.Add(new ManifestEntry
            {
                Id = id,
                Audio = $"{id}.wav",
                Duration = clip.Length / 16000.0,
                Split = split,
                // Keyword events carry the label `sal synth` writes ("keyword", with meta.keyword); other phrases are
                // unlabelled negatives, or "speech" events for the onset task.
                Events = text == "hey jarvis" ? [new ManifestEvent("keyword", lead, end)]
                    : labelOtherSpeech ? [new ManifestEvent("speech", lead, end)] : [],
                // Each keyword names its voice, as `sal synth` does, so rows can be compared voice for voice.
                Meta = text == "hey jarvis"
                    ? new Dictionary<string, string> { ["keyword"] = "hey jarvis", [StreamConditions.KeywordVoicesMetaKey] = voice }
                    : new Dictionary<string, string> { ["keyword"] = "hey jarvis" },
            });
        }
        var path = Path.Combine(_dir, "manifest.jsonl");
        Manifest.Save(path, entries);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
