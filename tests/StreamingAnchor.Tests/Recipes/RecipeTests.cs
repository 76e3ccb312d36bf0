using StreamingAnchor.Data;
using StreamingAnchor.Mining;
using StreamingAnchor.Models;
using StreamingAnchor.Recipes;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Tests.Synthesis;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Recipes;

/// <summary>`sal recipe` end to end at a tiny size: 24 streams of 4 s from espeak-ng, a 7k-parameter TCN, one epoch per training.</summary>
[Collection(LibTorchRngCollection.Name)]
public class RecipeTests
{
    private static readonly string[] Tiny =
    [
        "--clips", "24", "--clip-seconds", "4", "--engines", "espeak", "--sources", "none", "--workers", "2", "--hidden", "16",
        "--batch-size", "8", "--fine-tune-epochs", "1", "--mine-fa-per-hour", "1000", "--threads", "1",
    ];

    // Six stages in one process: under a full test suite on 2 cores the synthesis alone took over 180 s.
    private const int Limit = 900;

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void TheRecipeRunsEveryStageAndARerunSkipsThemAll()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh)");
        using var dir = new ScratchDir();
        var output = dir.File("hey_jarvis");
        var (code, stdout, stderr) = SalProcess.Run(Limit, ["recipe", "kws", "--keyword", "hey jarvis", "--out", output, "--epochs", "1", .. Tiny]);
        Assert.True(code == 0, stderr);

        // Every stage's output is there.
        Assert.True(File.Exists(Path.Combine(output, Recipe.DataFolder, "manifest.jsonl")));
        Assert.True(File.Exists(Path.Combine(output, Recipe.TrainFolder, RunDirectory.WeightsFile)));
        Assert.True(Manifest.Load(Path.Combine(output, Recipe.MinedFolder, HardNegativeMiner.ManifestFile)).Entries.Count > 0, stderr);
        var fineTune = Path.Combine(output, Recipe.FineTuneFolder(1));
        Assert.True(File.Exists(Path.Combine(fineTune, RunDirectory.WeightsFile)), stderr);
        Assert.Equal(Path.Combine(output, Recipe.TrainFolder), TrainingRun.ReadConfig(Path.Combine(fineTune, TrainingRun.ConfigFile)).InitFrom);
        Assert.True(File.Exists(Path.Combine(output, "hey_jarvis.onnx")));
        var card = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "hey_jarvis.json")))!;
        Assert.Equal([0.5, 1.0, 2.0], card["thresholds"]!.AsArray().Select(t => t!["fa_per_hour_budget"]!.GetValue<double>()));
        Assert.True(File.Exists(Path.Combine(output, Recipe.ConfigFile)));
        var corpus = Manifest.Load(Path.Combine(output, Recipe.DataFolder, "manifest.jsonl"));
        Assert.Equal(new RecipeCorpus("data/manifest.jsonl", corpus.Entries.Count, corpus.Entries.Sum(e => e.Duration) / 3600.0), RecipeCorpus.Read(output));
        var report = File.ReadAllText(Path.Combine(output, Recipe.ReportFile));
        Assert.Contains(report, stdout);
        foreach (var step in new[] { "synth", "train", "mine-1", "finetune-1", "eval", "export" })
        {
            Assert.True(File.Exists(Path.Combine(output, Recipe.StateFolder, step + ".json")), step);
            Assert.Contains($"] {step}: done in ", stderr);
            Assert.Contains($"| {step} | ", report);
        }
        Assert.Contains("| 0.5 | ", report);
        Assert.Contains("parameters", report);
        // The kws recipe's models subtract a running mean, the fine-tune's as its starting model's.
        Assert.Contains($"after a running mean of {RecipeConfig.KwsRunningMean} frames", report);
        Assert.Equal(RecipeConfig.KwsRunningMean, new RunDirectory(Path.Combine(output, Recipe.TrainFolder)).ReadModelSpec().Model.RunningMeanFrames);
        Assert.Equal(RecipeConfig.KwsRunningMean, new RunDirectory(fineTune).ReadModelSpec().Model.RunningMeanFrames);

        // A rerun with the same settings runs nothing.
        var again = SalProcess.Run(Limit, ["recipe", "kws", "--keyword", "hey jarvis", "--out", output, "--epochs", "1", .. Tiny]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(6, again.Stderr.Split('\n').Count(l => l.Contains(": skipped, done before in ", StringComparison.Ordinal)));
        Assert.DoesNotContain("done in ", again.Stderr.Replace("done before in ", "", StringComparison.Ordinal));

        // Other settings are refused, naming them; with --force only the stages they change (and later ones) run again.
        var changed = SalProcess.Run(Limit, ["recipe", "kws", "--out", output, "--epochs", "2", .. Tiny]);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("epochs 1 -> 2", changed.Stderr);
        var forced = SalProcess.Run(Limit, ["recipe", "kws", "--out", output, "--epochs", "2", "--force", .. Tiny]);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Contains("] synth: skipped", forced.Stderr);
        Assert.Contains("] train: done in ", forced.Stderr);
        Assert.Contains("] export: done in ", forced.Stderr);
        Assert.Equal(2, new RunDirectory(Path.Combine(output, Recipe.TrainFolder)).ReadTrainingSummary()!.EpochsDone);
        // The redone round mined with the new model only.
        var rounds = File.ReadAllLines(Path.Combine(output, Recipe.MinedFolder, HardNegativeMiner.RoundsFile));
        Assert.Single(rounds);
        Assert.Contains(HardNegativeMiner.ModelKey(new RunDirectory(Path.Combine(output, Recipe.TrainFolder))), rounds[0]);

        // Shipping the last fine-tune instead of dev's choice redoes only the evaluation and the export.
        var fine = SalProcess.Run(Limit, ["recipe", "kws", "--out", output, "--epochs", "2", "--ship-run", "fine-tune", "--force", .. Tiny]);
        Assert.True(fine.ExitCode == 0, fine.Stderr);
        Assert.Contains("] finetune-1: skipped", fine.Stderr);
        Assert.Contains("] eval: done in ", fine.Stderr);
        Assert.Contains("shipped finetune-1 (the last fine-tune; dev ", File.ReadAllText(Path.Combine(output, Recipe.ReportFile)));
    }

    /// <summary>
    /// A recipe stopped during training (after its first epoch's checkpoint) records no training stage; the rerun skips
    /// the corpus, continues the training from its checkpoint, and ends with the weights of an uninterrupted run.
    /// </summary>
    [SkippableFact]
    [Trait("Category", "E2E")]
    public void AStageStoppedMidwayResumesFromWhereItStopped()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh)");
        using var dir = new ScratchDir();
        var output = dir.File("onset");
        var config = RecipeConfig.For(RecipeKind.Onset) with
        {
            Clips = 16, ClipSeconds = 4, Engines = ["espeak"], Sources = [], Workers = 2, Hidden = 16, BatchSize = 8, Epochs = 2, MineRounds = 0, Threads = 1,
        };
        using var stop = new CancellationTokenSource();
        var first = new List<RecipeProgress>();
        Assert.ThrowsAny<OperationCanceledException>(() => Recipe.Run(config, output, progress: new Relay(p =>
        {
            first.Add(p);
            if (p.Step.Stage == RecipeStage.Train && p.Event == RecipeEvent.Note && p.Message.StartsWith("epoch 1/2", StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        }), cancellation: stop.Token));
        Assert.True(File.Exists(Recipe.RecordPath(output, new RecipeStep(RecipeStage.Synth))));
        Assert.False(File.Exists(Recipe.RecordPath(output, new RecipeStep(RecipeStage.Train))));
        Assert.Equal(1, Checkpoint.ReadHeader(Path.Combine(output, Recipe.TrainFolder, Trainer.LastCheckpoint)).State.EpochsDone);

        var second = new List<RecipeProgress>();
        var result = Recipe.Run(config, output, progress: new Relay(second.Add));
        Assert.Contains(second, p => p.Step.Stage == RecipeStage.Synth && p.Event == RecipeEvent.Skipped);
        var epochs = second.Where(p => p.Step.Stage == RecipeStage.Train && p.Event == RecipeEvent.Note && p.Message.StartsWith("epoch ", StringComparison.Ordinal)).ToList();
        Assert.Single(epochs);
        Assert.StartsWith("epoch 2/2", epochs[0].Message);
        Assert.Equal(["synth", "train", "eval", "export"], result.Stages.Select(s => s.Step.Name));
        Assert.True(File.Exists(result.OnnxPath));

        // The resumed training ships the same weights as one that was never stopped.
        var uninterrupted = dir.File("uninterrupted");
        TrainingRun.Run(config.TrainConfig(result.Manifest), uninterrupted);
        Assert.Equal(File.ReadAllBytes(Path.Combine(uninterrupted, RunDirectory.WeightsFile)),
            File.ReadAllBytes(Path.Combine(output, Recipe.TrainFolder, RunDirectory.WeightsFile)));

        // A fine-tune must use the model it starts from: another width is refused before anything is written.
        var wider = config.TrainConfig(result.Manifest) with { Model = new ModelConfig { Family = ModelFamily.Tcn, Preset = ModelSize.Small, Hidden = 24 }, InitFrom = Path.Combine(output, Recipe.TrainFolder) };
        var ex = Assert.Throws<InvalidDataException>(() => TrainingRun.Run(wider, dir.File("wider")));
        Assert.Contains("fine-tune with the same model settings", ex.Message);
        Assert.False(Directory.Exists(dir.File("wider")));
    }

    private sealed class Relay(Action<RecipeProgress> action) : IProgress<RecipeProgress>
    {
        public void Report(RecipeProgress value) => action(value);
    }
}
