using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Tests.Training;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>
/// The catalogue of bad input and what each case must produce: the exception type (or exit code) and the words of its
/// one-line message that let a user find the problem (file, line, field, what was expected).
/// </summary>
[Collection(LibTorchRngCollection.Name)]
public class InputCatalogueTests
{
    private const string Good = "{\"id\":\"a\",\"audio\":\"a.wav\",\"duration\":1.0,\"split\":\"train\",\"events\":[{\"label\":\"hey\",\"start\":0.2,\"end\":0.5}]}";

    public static TheoryData<string, string, string[]> BadManifestLines => new()
    {
        { "null id", "{\"id\":null,\"audio\":\"a.wav\",\"duration\":1.0,\"split\":\"train\",\"events\":[]}", ["m.jsonl:2", "field 'id' must not be null", "a string"] },
        { "null events", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"split\":\"train\",\"events\":null}", ["m.jsonl:2", "field 'events' must not be null", "a list of events"] },
        { "null split", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"split\":null}", ["m.jsonl:2", "field 'split' must not be null"] },
        { "event for events", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"event\":[]}", ["m.jsonl:2", "field 'event' is not a manifest field", "did you mean 'events'?"] },
        { "misspelt event field", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"events\":[{\"lable\":\"hey\",\"start\":0.1,\"end\":0.3}]}", ["m.jsonl:2", "field 'events[0].lable' is not a field of an event", "did you mean 'label'?"] },
        { "unknown event field", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"events\":[{\"label\":\"hey\",\"start\":0.1,\"stop\":0.3}]}", ["m.jsonl:2", "'events[0].stop'", "expected one of: label, start, end"] },
        { "missing event end", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"events\":[{\"label\":\"hey\",\"start\":0.1}]}", ["m.jsonl:2", "field 'events[0].end' is missing (expected a finite number)"] },
        { "missing id", "{\"audio\":\"a.wav\",\"duration\":1.0}", ["m.jsonl:2", "field 'id' is missing"] },
        { "events outside clip", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"events\":[{\"label\":\"hey\",\"start\":0.8,\"end\":1.6}]}", ["m.jsonl:2", "[b]", "lies outside the clip"] },
        { "negative start", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"events\":[{\"label\":\"hey\",\"start\":-0.5,\"end\":0.2}]}", ["m.jsonl:2", "[b]", "-0.5", "outside the clip"] },
        { "duration 10x audio", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":10.0}", ["m.jsonl:2", "duration 10 s in the manifest but the audio (", "a.wav) lasts 1 s"] },
        { "id in train and test", "{\"id\":\"a\",\"audio\":\"a.wav\",\"duration\":1.0,\"split\":\"test\"}", ["m.jsonl:2", "duplicate id (first on line 1", "train split", "test split"] },
        { "duration is a string", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":\"long\"}", ["m.jsonl:2", "field 'duration' must be a finite number", "the string \"long\""] },
        { "events is a string", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":1.0,\"events\":\"hey\"}", ["m.jsonl:2", "field 'events' must be a list of events"] },
        { "NaN duration", "{\"id\":\"b\",\"audio\":\"a.wav\",\"duration\":NaN}", ["m.jsonl:2", "field 'duration'", "NaN and Infinity are not JSON numbers"] },
        { "missing audio", "{\"id\":\"b\",\"audio\":\"gone.wav\",\"duration\":1.0}", ["m.jsonl:2", "audio file missing: gone.wav"] },
    };

    [Theory]
    [MemberData(nameof(BadManifestLines))]
    public void BadManifestIsRefusedNamingFileLineAndField(string name, string line, string[] words)
    {
        using var dir = new ScratchDir();
        WavFile.Write(dir.File("a.wav"), new float[16000], 16000);
        var manifest = dir.File("m.jsonl");
        File.WriteAllLines(manifest, [Good, line]);
        var ex = Assert.Throws<InvalidDataException>(() => ManifestChecker.LoadValid(manifest));
        foreach (var word in words)
        {
            Assert.True(ex.Message.Contains(word, StringComparison.Ordinal), $"{name}: '{word}' not in: {ex.Message}");
        }
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("JsonNumberHandling", ex.Message);
        Assert.Contains("1 problem on 1 line", ex.Message);
    }

    [Fact]
    public void ManyProblemsShowTheFirstThreeAndTheCount()
    {
        using var dir = new ScratchDir();
        WavFile.Write(dir.File("a.wav"), new float[16000], 16000);
        var manifest = dir.File("m.jsonl");
        File.WriteAllLines(manifest, [Good, .. Enumerable.Range(0, 5).Select(i => $"{{\"id\":\"x{i}\",\"audio\":\"gone.wav\",\"duration\":1.0}}")]);
        var ex = Assert.Throws<InvalidDataException>(() => ManifestChecker.LoadValid(manifest));
        Assert.Contains("m.jsonl:2: [x0]", ex.Message);
        Assert.Contains("m.jsonl:4: [x2]", ex.Message);
        Assert.DoesNotContain("[x3]", ex.Message);
        Assert.Contains("2 more (5 problems on 5 lines", ex.Message);
    }

    public static TheoryData<string, string, string[]> BadConfigs => new()
    {
        { "epoch for epochs", "{\"epoch\": 1}", ["cfg.json", "field 'epoch' is not a train config field", "did you mean 'epochs'?"] },
        { "null model", "{\"model\": null}", ["cfg.json", "field 'model' must not be null", "a config with fields family"] },
        { "null data", "{\"data\": null}", ["cfg.json", "field 'data' must not be null", "a string"] },
        { "epochs is a string", "{\"epochs\": \"ten\"}", ["cfg.json", "field 'epochs' must be a whole number", "the string \"ten\""] },
        { "learning rate NaN string", "{\"learningRate\": \"NaN\"}", ["cfg.json", "field 'learningRate' must be a finite number"] },
        { "learning rate NaN literal", "{\"learningRate\": NaN}", ["cfg.json", "learningRate", "NaN and Infinity are not JSON numbers"] },
        { "nested typo on line 3", "{\n  \"epochs\": 1,\n  \"loss\": {\"kind\": \"sal\", \"lamda\": 4}\n}", ["cfg.json:3:", "field 'loss.lamda'", "did you mean 'lambda'?"] },
        { "unknown window mode", "{\"windowMode\": \"zigzag\"}", ["cfg.json", "field 'windowMode' must be one of \"random\", \"sliding\""] },
        { "unknown loss kind", "{\"loss\": {\"kind\": \"sa-fl\"}}", ["cfg.json", "field 'loss.kind' must be one of \"ce\", \"focal\", \"sal\", \"sa+fl\", \"safl\", \"maxpool\""] },
        { "unknown model family", "{\"model\": {\"family\": \"rnn\"}}", ["cfg.json", "field 'model.family' must be one of \"gru\", \"lstm\", \"tcn\", \"dscnn\", \"crnn\""] },
        { "a task by number", "{\"task\": 1}", ["cfg.json", "field 'task' must be one of \"kws\", \"onset\", \"trigger\""] },
        { "not an object", "[1, 2]", ["cfg.json", "the train config must be a config with fields"] },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void BadConfigIsRefusedNamingTheField(string name, string json, string[] words)
    {
        using var dir = new ScratchDir();
        var path = dir.File("cfg.json");
        File.WriteAllText(path, json);
        var ex = Assert.Throws<FormatException>(() => TrainingRun.ReadConfig(path));
        foreach (var word in words)
        {
            Assert.True(ex.Message.Contains(word, StringComparison.Ordinal), $"{name}: '{word}' not in: {ex.Message}");
        }
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("JsonNumberHandling", ex.Message);
    }

    [Fact]
    public void FilesSalWritesReadBackStrictly()
    {
        using var dir = new ScratchDir();
        var config = Tiny("m.jsonl") with { Augment = true, Augmentation = new AugmentOptions { GainProbability = 0.5 }, MaxSteps = 3, WindowSeconds = 1 };
        var path = dir.File("train.json");
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(config, ProjectJson.Options));
        Assert.Equal(RunFingerprint.ConfigJson(config), RunFingerprint.ConfigJson(TrainingRun.ReadConfig(path)));
        var entry = new ManifestEntry { Id = "a", Audio = "a.wav", Duration = 1, Anchors = [0.5], Meta = new Dictionary<string, string> { ["voice"] = "x" } };
        Assert.Equal(Manifest.FormatLine(entry), Manifest.FormatLine(Manifest.ParseLine(Manifest.FormatLine(entry), "m.jsonl", 1)));
    }

    private static TrainConfig Tiny(string manifest) => ToneKwsCorpus.TinyGru(manifest);

    /// <summary>A 9-clip tone corpus (6 train, 1 dev, 2 test), optionally rewritten without its dev split.</summary>
    private static string Corpus(ScratchDir dir, bool withDev = true)
    {
        var manifest = ToneKwsCorpus.Write(dir.Path, clips: 9);
        if (!withDev)
        {
            File.WriteAllLines(manifest, File.ReadAllLines(manifest).Select(l => l.Replace("\"split\":\"dev\"", "\"split\":\"validation\"", StringComparison.Ordinal)));
        }
        return manifest;
    }

    [Fact]
    public void MissingDevSplitIsRefusedNamingTheSplitsFound()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir, withDev: false);
        var ex = Assert.Throws<InvalidDataException>(() => TrainingRun.Run(Tiny(manifest), dir.File("run")));
        Assert.Contains($"no 'dev' split in {manifest} (found: train, validation, test)", ex.Message);
        Assert.Contains("--no-dev", ex.Message);
        Assert.False(Directory.Exists(dir.File("run")), "refused before the run folder was created");
    }

    [Fact]
    public void NoDevTrainsEveryEpochAndShipsTheLast()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir, withDev: false);
        var state = TrainingRun.Run(Tiny(manifest) with { Epochs = 2, NoDev = true }, dir.File("run"));
        Assert.Equal(2, state.EpochsDone);
        Assert.Equal(2, state.BestEpoch);
        var summary = new RunDirectory(dir.File("run")).ReadTrainingSummary()!;
        Assert.Contains("last epoch", summary.SelectedBy);
        Assert.Equal(0, summary.DevClips);
    }

    [Fact]
    public void ShipLastScoresDevEveryEpochAndShipsTheLast()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var state = TrainingRun.Run(Tiny(manifest) with { Epochs = 3, DevMetric = DevMetric.Frr, Ship = ShipEpoch.Last }, dir.File("run"));
        Assert.Equal(3, state.EpochsDone);
        Assert.Equal(3, state.BestEpoch);
        var run = new RunDirectory(dir.File("run"));
        var summary = run.ReadTrainingSummary()!;
        Assert.Equal("last epoch (--ship last; dev frr@1 recorded)", summary.SelectedBy);
        Assert.Equal(1, summary.DevClips);
        var rows = File.ReadAllLines(run.PathOf("metrics.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.True(double.IsFinite(r.GetProperty("devMetric").GetDouble()), "the dev split is still scored"));
        Assert.All(rows, r => Assert.True(r.GetProperty("best").GetBoolean()));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("run"), Trainer.BestCheckpoint)), File.ReadAllBytes(Path.Combine(dir.File("run"), Trainer.LastCheckpoint)));
    }

    [Fact]
    public void ShipLastWithPatienceIsABadSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => (Tiny("m.jsonl") with { Ship = ShipEpoch.Last, Patience = 2 }).Validate());
        Assert.Equal("patience 2 stops on the best epoch, which --ship last does not use; set patience to 0 or ship best", ex.Message);
    }

    [Fact]
    public void DevMetricLossWithoutDevPicksByTrainingLoss()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir, withDev: false);
        TrainingRun.Run(Tiny(manifest) with { DevMetric = DevMetric.Loss }, dir.File("run"));
        Assert.Equal("training loss (no dev split)", new RunDirectory(dir.File("run")).ReadTrainingSummary()!.SelectedBy);
    }

    public static TheoryData<string, Func<TrainConfig, TrainConfig>, string> NonFiniteSettings => new()
    {
        { "warm-up NaN", c => c with { WarmupFraction = double.NaN }, "warm-up fraction must be in [0,1), got NaN" },
        { "dropout NaN", c => c with { Model = c.Model with { Dropout = double.NaN } }, "dropout must be in [0,1), got NaN" },
        { "running mean of 1 frame", c => c with { Model = c.Model with { RunningMeanFrames = 1 } }, "the running mean's time constant must be at least 2 frames, got 1" },
        { "window infinite", c => c with { WindowSeconds = double.PositiveInfinity }, "window must be a positive number of seconds" },
        { "lambda NaN", c => c with { Loss = c.Loss with { Lambda = double.NaN } }, "loss lambda must be finite" },
        { "min lr ratio NaN", c => c with { MinLearningRateRatio = double.NaN }, "minimum learning-rate ratio" },
    };

    [Theory]
    [MemberData(nameof(NonFiniteSettings))]
    public void NonFiniteSettingsNameTheOptionNotTheSerializer(string name, Func<TrainConfig, TrainConfig> change, string words)
    {
        using var dir = new ScratchDir();
        var ex = Assert.Throws<ArgumentException>(() => TrainingRun.Run(change(Tiny(dir.File("m.jsonl"))), dir.File("run")));
        Assert.True(ex.Message.Contains(words, StringComparison.Ordinal), $"{name}: {ex.Message}");
        Assert.DoesNotContain("JsonNumberHandling", ex.Message);
    }

    [Fact]
    public void NoDevWithPatienceIsABadSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => (Tiny("m.jsonl") with { NoDev = true, Patience = 2 }).Validate());
        Assert.Contains("patience 2 needs a dev split", ex.Message);
    }

    [Fact]
    public void SecondWriterFailsAtOnceNamingThePidAndTheLock()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var run = dir.File("run");
        using (RunLock.Acquire(run))
        {
            var ex = Assert.Throws<IOException>(() => TrainingRun.Run(Tiny(manifest), run));
            Assert.Equal($"{run} is in use by sal pid {Environment.ProcessId} (lock {Path.Combine(run, RunLock.FileName)})", ex.Message);
        }
        // Released: the same folder trains now.
        Assert.Equal(1, TrainingRun.Run(Tiny(manifest), run).EpochsDone);
    }

    [Fact]
    public void StaleLockFileOfADeadProcessDoesNotBlock()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var run = dir.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, RunLock.FileName), "999999\n");
        Assert.Equal(1, TrainingRun.Run(Tiny(manifest), run).EpochsDone);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.Combine(run, RunLock.FileName)));
    }

    [Fact]
    public void ResumeAfterChangedManifestIsRefusedAndForceKeepsTheNormaliser()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var run = dir.File("run");
        TrainingRun.Run(Tiny(manifest), run);
        var normaliser = File.ReadAllBytes(Path.Combine(run, RunDirectory.NormalizerFile));
        // One train clip fewer: a real change of the training data (and of the statistics a refit would give).
        File.WriteAllLines(manifest, File.ReadAllLines(manifest).Where(l => !l.Contains("\"id\":\"c1\"", StringComparison.Ordinal)));
        var config = TrainingRun.ReadConfig(Path.Combine(run, TrainingRun.ConfigFile)) with { Epochs = 1 };

        var ex = Assert.Throws<IOException>(() => TrainingRun.Run(config, run, resume: true));
        Assert.Contains($"{run}: cannot resume: manifest changed (sha256 ", ex.Message);
        Assert.Contains("--force", ex.Message);

        TrainingRun.Run(config with { Epochs = 2 }, run, resume: true, force: true);
        Assert.Equal(normaliser, File.ReadAllBytes(Path.Combine(run, RunDirectory.NormalizerFile)));
        Assert.Equal(2, Checkpoint.ReadHeader(Path.Combine(run, Trainer.LastCheckpoint)).State.EpochsDone);
    }

    [Fact]
    public void ResumeAfterTheStartingRunWasRetrainedInPlaceIsRefusedNamingItsWeights()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var start = dir.File("start");
        var run = dir.File("run");
        TrainingRun.Run(Tiny(manifest), start);
        TrainingRun.Run(Tiny(manifest) with { InitFrom = start }, run);
        var recorded = RunFingerprint.Load(run)!;
        Assert.Equal([$"--init-from {Path.Combine(start, RunDirectory.NormalizerFile)}", $"--init-from {Path.Combine(start, RunDirectory.WeightsFile)}"],
            recorded.Inputs!.Keys);
        // Unchanged inputs: the resume goes ahead.
        Assert.Equal(2, TrainingRun.Run(Tiny(manifest) with { InitFrom = start, Epochs = 2 }, run, resume: true).EpochsDone);

        // The run it started from, retrained in place with another seed: same path, same config, other weights.
        TrainingRun.Run(Tiny(manifest) with { Seed = 4 }, start, force: true);
        var ex = Assert.Throws<IOException>(() => TrainingRun.Run(Tiny(manifest) with { InitFrom = start, Epochs = 3 }, run, resume: true));
        Assert.Contains($"{run}: cannot resume: inputs changed (--init-from {Path.Combine(start, RunDirectory.WeightsFile)}: sha256 ", ex.Message);
        // The normaliser is fitted on the same data, so it did not change and is not named.
        Assert.DoesNotContain(RunDirectory.NormalizerFile, ex.Message);

        // A fingerprint written before inputs were recorded holds none, which is no change.
        File.WriteAllText(Path.Combine(run, RunFingerprint.FileName),
            System.Text.Json.JsonSerializer.Serialize(recorded with { Inputs = null }, ProjectJson.Options));
        Assert.Empty(RunFingerprint.Load(run)!.Changes(RunFingerprint.Of(Tiny(manifest) with { InitFrom = start }, Manifest.Load(manifest)), null,
            Tiny(manifest) with { InitFrom = start }));
    }

    [Fact]
    public void ResumeAfterChangedConfigNamesTheSetting()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var run = dir.File("run");
        TrainingRun.Run(Tiny(manifest), run);
        var ex = Assert.Throws<IOException>(() => TrainingRun.Run(Tiny(manifest) with { Seed = 4 }, run, resume: true));
        Assert.Contains("config changed (seed 3 -> 4)", ex.Message);
        // Threads are not part of the run: a resume with another thread count goes ahead.
        Assert.Equal(1, TrainingRun.Run(Tiny(manifest) with { Threads = 2 }, run, resume: true).EpochsDone);
        // More epochs continue the run (TrainConfig.WithResumable); a fresh --out would not take them.
        Assert.Equal(2, TrainingRun.Run(Tiny(manifest) with { Epochs = 2 }, run, resume: true).EpochsDone);
        Assert.Equal(2, TrainingRun.ReadConfig(Path.Combine(run, TrainingRun.ConfigFile)).Epochs);
    }

    [Fact]
    public void OutIntoAFolderHoldingAnotherRunIsRefusedUnlessForced()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var run = dir.File("run");
        TrainingRun.Run(Tiny(manifest) with { Epochs = 2 }, run);
        var ex = Assert.Throws<IOException>(() => TrainingRun.Run(Tiny(manifest) with { Seed = 4 }, run));
        Assert.Contains($"{run} already holds a different run: config changed (epochs 2 -> 1, seed 3 -> 4)", ex.Message);

        var state = TrainingRun.Run(Tiny(manifest) with { Seed = 4 }, run, force: true);
        Assert.Equal(1, state.EpochsDone);
        Assert.Single(File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile)));
        Assert.Equal(4, TrainingRun.ReadConfig(Path.Combine(run, TrainingRun.ConfigFile)).Seed);
    }

    public static TheoryData<string, string[], int, string[]> CliRows => new()
    {
        { "config typo", ["train", "--config", "{dir}/cfg.json", "--out", "{dir}/run"], 2, ["--config: ", "cfg.json", "field 'epoch' is not a train config field", "did you mean 'epochs'?"] },
        { "train on a manifest with a duplicate id", ["train", "--data", "{dir}/dup.jsonl", "--epochs", "1", "--out", "{dir}/run"], 1, ["dup.jsonl:", "duplicate id", "test split"] },
        { "train without dev", ["train", "--data", "{dir}/nodev.jsonl", "--epochs", "1", "--out", "{dir}/run"], 1, ["no 'dev' split in", "nodev.jsonl", "found: train, validation, test"] },
        { "eval on a manifest with a duplicate id", ["eval", "--run", "{dir}/run", "--data", "{dir}/dup.jsonl"], 1, ["dup.jsonl:", "duplicate id"] },
        { "demo with a running mean of 1 frame", ["demo", "--running-mean", "1", "--shipped", "none", "--out", "{dir}/run"], 2, ["--running-mean must be 0 (none) or a time constant of at least 2 frames, got 1"] },
        { "demo with an unknown model family", ["demo", "--model", "transformer", "--shipped", "none", "--out", "{dir}/run"], 2, ["--model: unknown model family 'transformer'", "expected"] },
        { "experiment without dev", ["experiment", "--data", "{dir}/nodev.jsonl", "--models", "gru", "--losses", "ce", "--budget", "epochs=1", "--out", "{dir}/grid"], 1, ["no 'dev' split in", "nodev.jsonl", "name it dev"] },
    };

    [Theory]
    [MemberData(nameof(CliRows))]
    public void CliRefusesWithOneErrorLine(string name, string[] args, int exitCode, string[] words)
    {
        using var dir = new ScratchDir();
        var manifest = ToneKwsCorpus.Write(dir.Path, clips: 9);
        var lines = File.ReadAllLines(manifest);
        File.WriteAllLines(dir.File("dup.jsonl"), [.. lines, lines[0].Replace("\"split\":\"train\"", "\"split\":\"test\"", StringComparison.Ordinal)]);
        File.WriteAllLines(dir.File("nodev.jsonl"), lines.Select(l => l.Replace("\"split\":\"dev\"", "\"split\":\"validation\"", StringComparison.Ordinal)));
        File.WriteAllText(dir.File("cfg.json"), $"{{\"data\": \"{manifest}\", \"epoch\": 1}}");

        var (code, stdout, stderr) = SalProcess.Run(args.Select(a => a.Replace("{dir}", dir.Path, StringComparison.Ordinal)).ToArray());
        Assert.Equal(exitCode, code);
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        foreach (var word in words)
        {
            Assert.True(line.Contains(word, StringComparison.Ordinal), $"{name}: '{word}' not in: {line}\n{stdout}");
        }
        Assert.False(Directory.Exists(dir.File("run")) && Directory.EnumerateFileSystemEntries(dir.File("run")).Any(), "refused before any work");
    }

    [Fact]
    [Trait("Category", "E2E")]
    public void CliSecondWriterAndResumeOnChangedDataFailAtOnce()
    {
        using var dir = new ScratchDir();
        var manifest = Corpus(dir);
        var run = dir.File("run");
        string[] train = ["train", "--data", manifest, "--model", "gru", "--hidden", "8", "--layers", "1", "--loss", "ce", "--epochs", "1",
            "--batch-size", "4", "--threads", "1", "--out", run];
        using (RunLock.Acquire(run))
        {
            var (busy, _, busyErr) = SalProcess.Run(train);
            Assert.Equal(1, busy);
            Assert.Contains($"in use by sal pid {Environment.ProcessId} (lock {Path.Combine(run, RunLock.FileName)})", busyErr);
        }
        var (code, stdout, stderr) = SalProcess.Run(train);
        Assert.True(code == 0, stdout + stderr);

        File.WriteAllLines(manifest, File.ReadAllLines(manifest).Where(l => !l.Contains("\"id\":\"c1\"", StringComparison.Ordinal)));
        (code, _, stderr) = SalProcess.Run("train", "--resume", run, "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("manifest changed (sha256 ", stderr);
        Assert.Contains("audio files changed (9 files", stderr);
        (code, stdout, stderr) = SalProcess.Run("train", "--resume", run, "--threads", "1", "--force");
        Assert.True(code == 0, stdout + stderr);
    }
}
