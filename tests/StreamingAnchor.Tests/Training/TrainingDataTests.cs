using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>What `sal train` feeds the trainer (TrainingRun.LoadData over FeatureDataset) and what `sal eval` feeds back.</summary>
public class TrainingDataTests
{
    private static TrainConfig Config(string manifest) => new()
    {
        Data = manifest,
        Task = "trigger",
        Model = new ModelConfig { Family = "gru", Hidden = 8, Layers = 1 },
        Loss = new LossConfig { Kind = "sal", Tau = 8, Lambda = 4 },
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
        var train = FeatureNormalizer.Fit(data.Dataset.Clips("train").Select(c => c.Features));
        var all = FeatureNormalizer.Fit(data.Dataset.Clips("train").Concat(data.Dataset.Clips("dev")).Select(c => c.Features));
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
}
