using StreamingAnchor.Tests.Data;
using System.Globalization;
using System.Text.Json.Nodes;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Export;
using Xunit.Abstractions;

namespace StreamingAnchor.Tests.Export;

/// <summary>`sal export --raw-audio` (card, metadata, vectors) and `sal detect` end to end, as separate processes.</summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class DetectCommandTests : IClassFixture<DetectCommandTests.Shared>
{
    private readonly Shared shared;
    private readonly ITestOutputHelper output;

    public DetectCommandTests(Shared shared, ITestOutputHelper output)
    {
        this.shared = shared;
        this.output = output;
    }

    /// <summary>One evaluated run and its raw-audio export, shared by the tests below (exporting takes a few seconds).</summary>
    public sealed class Shared : IDisposable
    {
        public Shared()
        {
            Fixture = new DeploymentFixture();
            Onnx = Fixture.File("kws.onnx");
            // A generous budget gives a low threshold, so the untrained model's detections exist and can be compared.
            Export = SalProcess.Run("export", "--run", Fixture.Run, "--onnx", Onnx, "--raw-audio", "--fa-per-hour", "0.5,100000",
                "--licence", "MIT", "--vectors", "--vectors-wav", Fixture.Wav);
        }

        public DeploymentFixture Fixture { get; }

        public string Onnx { get; }

        public (int Code, string Stdout, string Stderr) Export { get; }

        public void Dispose() => Fixture.Dispose();
    }

    [Fact]
    public void ExportWritesTheCardBesideTheModelAndTheSameKeysInItsMetadata()
    {
        Assert.True(shared.Export.Code == 0, shared.Export.Stderr);
        var card = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(shared.Onnx, ".json")))!.AsObject();
        Assert.Equal("raw_audio", card["graph"]!.GetValue<string>());
        Assert.Equal(1, card["lookahead_frames"]!.GetValue<int>());
        Assert.Equal("MIT", card["licence"]!.GetValue<string>());
        Assert.Equal("tone", card["classes"]![0]!["label"]!.GetValue<string>());
        var thresholds = card["thresholds"]!.AsArray();
        Assert.Equal([0.5, 100000.0], thresholds.Select(t => t!["fa_per_hour_budget"]!.GetValue<double>()));
        // Each threshold is a point of the run's DET curve, reported with it.
        var curve = shared.Fixture.Evaluation.Result.Curve;
        foreach (var t in thresholds)
        {
            var point = t!["det_point"]!;
            Assert.Contains(curve, p => p.Threshold == point["threshold"]!.GetValue<double>() && p.FalseAlarms == point["false_alarms"]!.GetValue<int>());
            Assert.True(point["fa_per_hour"]!.GetValue<double>() <= t["fa_per_hour_budget"]!.GetValue<double>());
        }

        Assert.Contains(card["state"]!.AsArray(), s => s!["input"]!.GetValue<string>() == "audio_state_in");
        var metadata = OnnxMetadata.Read(shared.Onnx);
        foreach (var (key, value) in card)
        {
            Assert.True(metadata.ContainsKey(key), $"metadata lacks card key {key}");
            Assert.True(JsonNode.DeepEquals(value, JsonNode.Parse(metadata[key])), $"metadata {key} differs from the card");
        }

        var vectors = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(shared.Onnx, ".vectors.json")))!;
        Assert.Equal(new StreamingAnchor.Audio.FbankConfig().FrameCount(16000 * 4), vectors["frames"]!.GetValue<int>());
        Assert.True(File.Exists(Path.ChangeExtension(shared.Onnx, ".vectors.wav")));
    }

    [Fact]
    [Trait("Category", "E2E")]
    public void DetectOnTheOnnxMatchesStreamOnTheRunWithTheCardsThresholdAndNeverLoadsLibtorch()
    {
        Assert.True(shared.Export.Code == 0, shared.Export.Stderr);
        var card = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(shared.Onnx, ".json")))!;
        var threshold = card["thresholds"]![1]!["threshold"]!.GetValue<double>();
        var (code, stdout, stderr) = SalProcess.Run(null, [("LD_DEBUG", "libs")], "detect", shared.Onnx, shared.Fixture.Wav, "--fa-per-hour", "100000", "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains("libonnxruntime", stderr);
        Assert.DoesNotContain("libtorch", stderr);
        var detected = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.NotEmpty(detected);
        Assert.All(detected, d => Assert.Equal("tone", d["label"]!.GetValue<string>()));

        (code, stdout, stderr) = SalProcess.Run("stream", "--run", shared.Fixture.Run, "--wav", shared.Fixture.Wav,
            "--threshold", threshold.ToString("R", CultureInfo.InvariantCulture));
        Assert.True(code == 0, stderr);
        var streamed = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => double.Parse(l.Split('\t')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(streamed, detected.Select(d => Math.Round(d["time_s"]!.GetValue<double>(), 3)));

        // sal stream runs the raw-audio graph through the same loop, with the same posteriors as the run's model.
        var smoothing = card["detector"]!["smoothing_frames"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(0, SalProcess.Run("stream", "--run", shared.Fixture.Run, "--wav", shared.Fixture.Wav, "--smoothing", smoothing, "--trace", shared.Fixture.File("torch.csv")).ExitCode);
        (code, _, stderr) = SalProcess.Run("stream", "--onnx", shared.Onnx, "--wav", shared.Fixture.Wav, "--smoothing", smoothing, "--trace", shared.Fixture.File("raw.csv"));
        Assert.True(code == 0, stderr);
        var torchTrace = File.ReadAllLines(shared.Fixture.File("torch.csv"));
        var rawTrace = File.ReadAllLines(shared.Fixture.File("raw.csv"));
        Assert.Equal(torchTrace.Length, rawTrace.Length);
        Assert.All(torchTrace.Skip(1).Zip(rawTrace.Skip(1)), p => Assert.True(
            Math.Abs(double.Parse(p.First.Split(',')[1], CultureInfo.InvariantCulture) - double.Parse(p.Second.Split(',')[1], CultureInfo.InvariantCulture)) <= 1e-4,
            $"{p.First} vs {p.Second}"));

        // The same audio on stdin, as WAV and as raw s16le, gives the same detections.
        var wavBytes = File.ReadAllBytes(shared.Fixture.Wav);
        foreach (var bytes in new[] { wavBytes, wavBytes[44..] })
        {
            (code, stdout, stderr) = SalProcess.Run(bytes, [], "detect", shared.Onnx, "-", "--fa-per-hour", "100000");
            Assert.True(code == 0, stderr);
            output.WriteLine(stdout + stderr);
            var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("input\ttime_s\tlabel\tscore", rows[0]);
            Assert.Equal(streamed, rows.Skip(1).Select(l => double.Parse(l.Split('\t')[1], CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void ExportRefusesToReplaceAJsonFileThatIsNotACardBeforeWritingAnything()
    {
        var other = shared.Fixture.File("other.json");
        File.WriteAllText(other, "{\"mine\": 1}");
        var (code, _, stderr) = SalProcess.Run("export", "--run", shared.Fixture.Run, "--onnx", shared.Fixture.File("other.onnx"), "--raw-audio");
        Assert.Equal(1, code);
        Assert.Contains("other.json", stderr);
        Assert.Equal("{\"mine\": 1}", File.ReadAllText(other));
        Assert.False(File.Exists(shared.Fixture.File("other.onnx")));
    }

    [Fact]
    public void EvalReportsTheBudgetsAskedFor()
    {
        var (code, stdout, stderr) = SalProcess.Run("eval", "--run", shared.Fixture.Run, "--data", shared.Fixture.Manifest, "--fa-per-hour", "0.5,1,5");
        Assert.True(code == 0, stderr);
        Assert.Contains("@5 FA/h", stdout);
        var summary = StreamingAnchor.Evaluation.EvaluationSummary.Load(Path.Combine(shared.Fixture.Run, "eval", "metrics.json"));
        Assert.Equal([0.5, 1.0, 5.0], summary.Result.Targets.Select(t => t.FaPerHourTarget));
    }

    [SkippableFact]
    public void DetectDecodesFlacThroughFfmpeg()
    {
        Skip.If(!ToolRunner.Exists("ffmpeg"), "ffmpeg is not on PATH (scripts/setup.sh installs it)");
        Assert.True(shared.Export.Code == 0, shared.Export.Stderr);
        var flac = shared.Fixture.File("clip.flac");
        ToolRunner.RunChecked("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", shared.Fixture.Wav, flac]);
        var (code, fromWav, stderr) = SalProcess.Run("detect", shared.Onnx, shared.Fixture.Wav, "--fa-per-hour", "100000");
        Assert.True(code == 0, stderr);
        (code, var fromFlac, stderr) = SalProcess.Run("detect", shared.Onnx, flac, "--fa-per-hour", "100000");
        Assert.True(code == 0, stderr);
        Assert.Equal(fromWav.Replace(shared.Fixture.Wav, "X"), fromFlac.Replace(flac, "X"));
        Assert.Contains("\ttone\t", fromFlac);
    }

    [Fact]
    public void ABudgetTheCardLacksOrAMissingMicrophoneIsOneClearLine()
    {
        Assert.True(shared.Export.Code == 0, shared.Export.Stderr);
        var (code, _, stderr) = SalProcess.Run("detect", shared.Onnx, shared.Fixture.Wav, "--fa-per-hour", "7");
        Assert.Equal(1, code);
        Assert.Contains("0.5, 100000 FA/h, not 7", stderr);
        Assert.Single(stderr.Trim().Split('\n'));

        (code, _, stderr) = SalProcess.Run("detect", shared.Onnx, "--mic", "--seconds", "0.5", "--threshold", "0.5");
        output.WriteLine($"--mic: exit {code}: {stderr}");
        // With a capture device this listens for half a second; without one (or without arecord) it says so in one line.
        var capture = ToolRunner.Exists("arecord") && ToolRunner.Run("arecord", ["-l"]).StdoutText.Contains("card ", StringComparison.Ordinal);
        if (capture)
        {
            Assert.True(code == 0, stderr);
        }
        else
        {
            Assert.Equal(1, code);
            Assert.Contains("microphone:", stderr);
            Assert.Single(stderr.Trim().Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        }

        (code, _, stderr) = SalProcess.Run("detect", shared.Onnx);
        Assert.Equal(2, code);
        Assert.Contains("give audio files", stderr);
    }
}
