using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>`sal eval` trusts the decoded audio, not the manifest, for how long each clip lasts.</summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class EvalDurationTests
{
    private static string Corpus(ScratchDir dir, params (string Id, double ManifestSeconds)[] clips)
    {
        var entries = new List<ManifestEntry>();
        foreach (var (id, seconds) in clips)
        {
            var audio = $"audio/{id}.wav";
            WavFile.Write(dir.File(audio), new float[16000], 16000); // every clip really lasts 1 s
            entries.Add(new ManifestEntry
            {
                Id = id, Audio = audio, Duration = seconds, Split = "test", Events = [new ManifestEvent(TinyRun.Label, 0.4, 0.7)],
            });
        }
        var manifest = dir.File("manifest.jsonl");
        Manifest.Save(manifest, entries);
        return manifest;
    }

    [Fact]
    public void HoursForFalseAlarmsComeFromTheAudioWithinTheTolerance()
    {
        using var dir = new ScratchDir();
        var run = TinyRun.Create(dir.File("run"));
        // 1.04 s and 0.96 s are within 50 ms of the real 1 s: accepted, but the audio's length is what counts.
        var manifest = Corpus(dir, ("a", 1.04), ("b", 0.96));

        var scored = RunEvaluator.Score(run.Root, manifest);

        Assert.Equal([1.0, 1.0], scored.Traces.Select(t => t.DurationSeconds));
        var result = DetectionEvaluator.Run(scored.Traces, EvaluationConfig.ForTask(TaskKind.Kws));
        Assert.Equal(2.0 / 3600, result.AtThreshold.Hours, 12);
    }

    [Theory]
    [InlineData(1.06)]
    [InlineData(0.9)]
    [InlineData(30.0)]
    public void ADurationThatDisagreesWithTheAudioNamesClipDurationsAndFile(double claimed)
    {
        using var dir = new ScratchDir();
        var run = TinyRun.Create(dir.File("run"));
        var manifest = Corpus(dir, ("good", 1.0), ("liar", claimed));

        // Refused by the validation every command shares (ManifestChecker), before any clip is streamed.
        var ex = Assert.Throws<InvalidDataException>(() => RunEvaluator.Score(run.Root, manifest));

        Assert.StartsWith($"{manifest}:2: [liar] ", ex.Message);
        Assert.Contains(FormattableString.Invariant($"duration {claimed:0.###} s in the manifest"), ex.Message);
        Assert.Contains("lasts 1 s", ex.Message);
        Assert.Contains(dir.File("audio/liar.wav"), ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void ToleranceIsFiftyMillisecondsOrOnePercent()
    {
        Assert.Equal(0.05, RunEvaluator.DurationTolerance(1.0));
        Assert.Equal(0.6, RunEvaluator.DurationTolerance(60.0), 12);
        RunEvaluator.CheckDuration("m", "x", 60.5, 60.0, "x.wav");
        Assert.Throws<InvalidDataException>(() => RunEvaluator.CheckDuration("m", "x", 60.7, 60.0, "x.wav"));
        Assert.Throws<InvalidDataException>(() => RunEvaluator.CheckDuration("m", "x", double.NaN, 60.0, "x.wav"));
    }

    [Fact]
    public void ACorruptClipIsOneErrorNamingTheClipAndFile()
    {
        using var dir = new ScratchDir();
        var run = TinyRun.Create(dir.File("run"));
        var manifest = Corpus(dir, ("fine", 1.0), ("broken", 1.0));
        File.WriteAllText(dir.File("audio/broken.wav"), "RIFF but not really");

        var ex = Assert.Throws<InvalidDataException>(() => RunEvaluator.Score(run.Root, manifest));

        Assert.StartsWith($"{manifest}:2: [broken] unreadable audio: ", ex.Message);
        Assert.Contains(dir.File("audio/broken.wav"), ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
