using StreamingAnchor.Audio;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>What `sal train` feeds the trainer (TrainingRun.LoadData over FeatureDataset) and what `sal eval` feeds back.</summary>
[Collection(LibTorchRngCollection.Name)]
public class TrainingDataTests
{
    private static TrainConfig Config(string manifest) => new()
    {
        Data = manifest,
        Task = TaskKind.Trigger,
        Model = new ModelConfig { Family = ModelFamily.Gru, Hidden = 8, Layers = 1 },
        Loss = new LossConfig { Kind = LossKind.Sal, Tau = 8, Lambda = 4 },
        Epochs = 1,
        BatchSize = 4,
        WindowSeconds = 1.0,
        Seed = 3,
        Threads = 1,
    };

    private static float[] FirstBatch(TrainConfig config)
    {
        using var batch = TrainingRun.LoadData(config, new FbankConfig()).TrainBatches(0).First();
        return batch.Features.data<float>().ToArray();
    }

    [Fact]
    public void StreamsFlagChoosesAudioOnlyOrAudioPlusStreams()
    {
        using var corpus = new TinyCorpus(streams: true);
        var both = TrainingRun.LoadData(Config(corpus.Manifest), new FbankConfig());
        var audio = TrainingRun.LoadData(Config(corpus.Manifest) with { IncludeStreams = false }, new FbankConfig());
        Assert.Equal(["acc"], both.Dataset.StreamNames);
        Assert.Equal(42, both.InputDim);
        Assert.Empty(audio.Dataset.StreamNames);
        Assert.Equal(40, audio.InputDim);
        Assert.Equal(1, both.NumClasses);
        Assert.Equal(["hey"], both.Dataset.Options.Rule.Labels);
    }

    [Fact]
    public void NormaliserIsFittedOnTheTrainSplitOnly()
    {
        using var corpus = new TinyCorpus();
        var data = TrainingRun.LoadData(Config(corpus.Manifest), new FbankConfig());
        var train = FeatureNormalizer.Fit(data.Dataset.Clips("train").Select(c => c.ReadFeatures()));
        var all = FeatureNormalizer.Fit(data.Dataset.Clips("train").Concat(data.Dataset.Clips("dev")).Select(c => c.ReadFeatures()));
        Assert.Equal(train.Mean, data.Dataset.Normalizer.Mean);
        Assert.NotEqual(all.Mean, data.Dataset.Normalizer.Mean);
        Assert.Equal(2, data.DevTruth.Count);
    }

    [Fact]
    public void AugmentChangesTrainingBatchesAndIsSeeded()
    {
        using var corpus = new TinyCorpus();
        var plain = Config(corpus.Manifest);
        var augmented = plain with { Augment = true };
        var a = FirstBatch(augmented);
        Assert.Equal(a, FirstBatch(augmented));
        Assert.NotEqual(FirstBatch(plain), a);
        Assert.NotEqual(FirstBatch(augmented with { Seed = 4 }), a);
    }

    [Fact]
    public void SlidingWindowsCutLongClipsIntoMoreExamplesThanRandomCrops()
    {
        using var corpus = new TinyCorpus();
        var config = Config(corpus.Manifest) with { BatchSize = 1, WindowSeconds = 2.0 };
        var random = TrainingRun.LoadData(config, new FbankConfig()).TrainBatchesPerEpoch;
        var sliding = TrainingRun.LoadData(config with { WindowMode = StreamingAnchor.Data.WindowMode.Sliding }, new FbankConfig()).TrainBatchesPerEpoch;
        // 6 short clips whole; the two 5 s clips (498 frames) give ceil(498 / 200) = 3 random crops or 4 windows each
        // (starts 0, 100, 200 and the last flush with the end).
        Assert.Equal(6 + (2 * 3), random);
        Assert.Equal(6 + (2 * 4), sliding);
    }

    [Fact]
    public void AMultiModalRunIsEvaluatedOnTheSameStreams()
    {
        using var corpus = new TinyCorpus(streams: true);
        var run = corpus.Dir.File("run");
        TrainingRun.Run(Config(corpus.Manifest), run);
        Assert.Equal(["acc"], new RunDirectory(run).StreamNames());
        Assert.Equal(42, new RunDirectory(run).LoadNormalizer()!.Dim);
        var traces = RunEvaluator.Score(run, corpus.Manifest, "dev");
        Assert.Equal(2, traces.Traces.Count);
        Assert.All(traces.Traces, t => Assert.Single(t.Events));

        // sal stream runs the same model with the same stream: the same posteriors as sal eval (to the CSV's 6 decimals).
        var trace = corpus.Dir.File("c6.csv");
        var (code, _, stderr) = SalProcess.Run("stream", "--run", run, "--wav", corpus.Dir.File("c6.wav"), "--stream", "acc=" + corpus.Dir.File("c6.npy"),
            "--trace", trace, "--chunk-ms", "100");
        Assert.True(code == 0, stderr);
        var streamed = File.ReadAllLines(trace).Skip(1).Select(l => float.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var evaluated = traces.Traces.Single(t => t.Id == "c6").Posteriors;
        Assert.Equal(evaluated.Length, streamed.Length);
        Assert.True(evaluated.Zip(streamed, (a, b) => Math.Abs(a - b)).Max() < 1e-6);
        (code, _, stderr) = SalProcess.Run("stream", "--run", run, "--wav", corpus.Dir.File("c6.wav"));
        Assert.Equal(1, code);
        Assert.Contains("the model reads the stream 'acc'", stderr);

        var audioRun = corpus.Dir.File("audio");
        TrainingRun.Run(Config(corpus.Manifest) with { IncludeStreams = false }, audioRun);
        Assert.Empty(new RunDirectory(audioRun).StreamNames());
        Assert.Equal(2, RunEvaluator.Score(audioRun, corpus.Manifest, "dev").Traces.Count);
    }

    /// <summary>
    /// The dev metric's traces (offline forward with the look-ahead delay, or the step in chunks for long streams) are
    /// what `sal eval` streams over the dev split: same frames, same posteriors to float rounding, same events.
    /// </summary>
    [Theory]
    [InlineData(ModelFamily.Tcn, 2, 30_000, DevScoring.DefaultBatchFrames)]
    [InlineData(ModelFamily.Tcn, 2, 37, DevScoring.DefaultBatchFrames)]
    [InlineData(ModelFamily.Tcn, 2, 30_000, 1)]
    [InlineData(ModelFamily.Gru, 0, 30_000, DevScoring.DefaultBatchFrames)]
    [InlineData(ModelFamily.Crnn, 1, 41, 1)]
    public void DevScoringEqualsSalEvalOnTheDevSplit(ModelFamily family, int lookAhead, int chunkFrames, long batchFrames)
    {
        using var corpus = new TinyCorpus();
        var run = corpus.Dir.File("run");
        var config = Config(corpus.Manifest) with { Task = TaskKind.Kws, Model = new ModelConfig { Family = family, Preset = ModelSize.Small, LookAhead = lookAhead } };
        TrainingRun.Run(config, run);
        var evaluated = RunEvaluator.Score(run, corpus.Manifest, "dev").Traces.ToDictionary(t => t.Id);

        var normalizer = new RunDirectory(run).LoadNormalizer()!;
        var data = TrainingRun.LoadData(config, new FbankConfig(), normalizer: normalizer);
        using var model = new RunDirectory(run).LoadModel();
        var trainer = new Trainer(config, model, LossFactory.Create(config.Loss), data, corpus.Dir.File("scratch")) { DevChunkFrames = chunkFrames, DevBatchFrames = batchFrames };
        var dev = trainer.DevTraces(out var devLoss);
        Assert.True(double.IsFinite(devLoss));
        Assert.Equal(evaluated.Count, dev.Count);
        foreach (var trace in dev)
        {
            var reference = evaluated[trace.Id];
            Assert.Equal(reference.Frames, trace.Frames);
            Assert.Equal(reference.Events, trace.Events);
            Assert.Equal(reference.DurationSeconds, trace.DurationSeconds, 2);
            Assert.All(trace.Posteriors.Take(lookAhead), p => Assert.Equal(0f, p));
            var worst = reference.Posteriors.Zip(trace.Posteriors, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-5, $"{trace.Id}: max |sal eval - dev| = {worst}");
        }
    }

    [Fact]
    public void FrrAtABudgetPicksTheEpochAndIsRecordedByName()
    {
        using var corpus = new TinyCorpus();
        var run = corpus.Dir.File("run");
        var config = Config(corpus.Manifest) with { Task = TaskKind.Kws, Epochs = 3, DevMetric = DevMetric.Frr, DevFaPerHour = 2 };
        var state = TrainingRun.Run(config, run);
        var summary = new RunDirectory(run).ReadTrainingSummary()!;
        Assert.Equal("frr@2", summary.DevMetric);
        Assert.Equal("dev frr@2", summary.SelectedBy);
        var rows = File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile)).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.InRange(r["devMetric"]!.GetValue<double>(), 0, 1));
        Assert.All(rows, r => Assert.InRange(r["devEer"]!.GetValue<double>(), 0, 1));
        // The best epoch has the lowest FRR, and among equal FRRs the lowest EER.
        var best = rows.OrderBy(r => r["devMetric"]!.GetValue<double>()).ThenBy(r => r["devEer"]!.GetValue<double>()).ThenBy(r => r["epoch"]!.GetValue<int>()).First();
        Assert.Equal(best["epoch"]!.GetValue<int>(), state.BestEpoch);
        // train.json keeps the enum by its old name, so runs recorded before it was typed still resume.
        Assert.Contains("\"devMetric\": \"frr\"", File.ReadAllText(Path.Combine(run, TrainingRun.ConfigFile)));
    }
}
