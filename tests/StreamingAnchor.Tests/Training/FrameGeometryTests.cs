using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>
/// A run's front end is its frame geometry everywhere: a run trained with a 20 ms hop labels, windows, streams and
/// evaluates on a 20 ms grid (the default 10 ms clock would put every anchor and detection elsewhere).
/// </summary>
[Collection(LibTorchRngCollection.Name)]
public class FrameGeometryTests
{
    private static readonly FbankConfig Hop20Ms = new() { HopSamples = 320 };

    /// <summary>A tiny GRU on the 20 ms front end, 0.6 s windows.</summary>
    private static TrainConfig Hop20MsRun(string manifest, int epochs) => new()
    {
        Data = manifest,
        Task = TaskKind.Kws,
        Model = new ModelConfig { Family = ModelFamily.Gru, Hidden = 8, Layers = 1 },
        Loss = new LossConfig { Kind = LossKind.Ce },
        FrontEnd = Hop20Ms,
        Epochs = epochs,
        BatchSize = 4,
        WindowSeconds = 0.6,
        Seed = 5,
        Threads = 1,
    };

    [Fact]
    [Trait("Category", "E2E")]
    public void ARunWithA20MsHopLabelsTrainsAndEvaluatesOnItsOwnGrid()
    {
        using var corpus = new TinyCorpus();
        var run = corpus.Dir.File("run");
        var config = Hop20MsRun(corpus.Manifest, epochs: 2);
        var clock = FrameClock.Of(Hop20Ms);
        Assert.Equal(0.02, clock.HopSeconds, 12);
        Assert.Equal(30, config.WindowFrames); // 0.6 s of 20 ms frames; the default clock would cut 60

        // Labels: anchors at the keyword end on the 20 ms grid, the positive window starting at the first frame ending
        // at or after it, frame counts from the 320-sample hop.
        using (var data = TrainingRun.LoadData(config, config.ResolvedFrontEnd).Dataset)
        {
            Assert.Equal(clock, data.Options.Rule.Clock);
            foreach (var clip in data.Clips("train").Concat(data.Clips("dev")))
            {
                var samples = (long)Math.Round(clip.Entry.Duration * FbankConfig.DeviceSampleRate);
                Assert.Equal(clock.FrameCount(samples), clip.Frames);
                var ends = clip.Entry.Events.Select(e => e.End).ToArray();
                Assert.Equal(ends.Select(clock.TimeToFrame), clip.Labels.Anchors);
                Assert.NotEqual(ends.Select(FrameClock.Default.TimeToFrame), clip.Labels.Anchors);
                var first = Array.FindIndex(clip.Labels.Targets, t => t != 0);
                Assert.Equal((int)Math.Ceiling(clock.TimeToFrame(ends[0])), first);
                Assert.All(clip.Labels.Events.Zip(ends), p => Assert.Equal(p.Second, p.First.Anchor, 9));
            }
        }

        TrainingRun.Run(config, run);
        Assert.Equal(320, new RunDirectory(run).LoadFrontEnd()!.HopSamples);

        // Streaming evaluation: traces on the 20 ms grid, the detector stamping frame f at 0.025 + 0.02 f.
        var scored = RunEvaluator.Score(run, corpus.Manifest, "dev");
        Assert.Equal(clock, scored.Clock);
        var summary = RunEvaluator.Evaluate(run, corpus.Manifest, "dev", outputFolder: corpus.Dir.File("eval"));
        Assert.Equal(clock.HopSeconds, summary.Config.Detector.HopSeconds);
        Assert.Equal(clock.FirstFrameEndSeconds, summary.Config.Detector.FirstFrameEndSeconds);
        var later = 0; // detections after frame 0, where the two grids' stamps part
        foreach (var trace in scored.Traces)
        {
            Assert.Equal(clock.FramesIn(trace.DurationSeconds), trace.Frames);
            foreach (var d in DetectionEvaluator.Detect(trace, summary.Config.Detector, threshold: 0))
            {
                Assert.Equal(clock.FrameEndTime(d.Frame), d.Time, 9);
                if (d.Frame > 0)
                {
                    later++;
                    Assert.NotEqual(FrameClock.Default.FrameEndTime(d.Frame), d.Time, 9);
                }
            }
        }
        Assert.True(later > 0, "threshold 0 with a refractory period fires again after frame 0");
    }

    /// <summary>
    /// Extra streams (an accelerometer) are written on the default 10 ms grid; a run on a 20 ms hop reads, for its frame t,
    /// the stream row ending nearest it (row 2t here), in training and in streaming alike.
    /// </summary>
    [Fact]
    [Trait("Category", "E2E")]
    public void ExtraStreamsFollowA20MsHopInTrainingAndStreaming()
    {
        using var corpus = new TinyCorpus(streams: true);
        var clock = FrameClock.Of(Hop20Ms);
        var config = Hop20MsRun(corpus.Manifest, epochs: 1);

        // TinyCorpus writes stream value = its 10 ms frame index: the 20 ms run's frame t must carry 2t (the last row past the end).
        using (var data = TrainingRun.LoadData(config, config.ResolvedFrontEnd).Dataset)
        {
            Assert.Equal(Hop20Ms.MelBins + 2, data.InputDim);
            foreach (var clip in data.Clips("train").Concat(data.Clips("dev")))
            {
                var features = clip.ReadFeatures();
                var rows = FrameStreamFile.Read(corpus.Dir.File($"{clip.Entry.Id}.npy")).Frames;
                for (var t = 0; t < features.Frames; t++)
                {
                    Assert.Equal(Math.Min(2 * t, rows - 1), features.Row(t)[Hop20Ms.MelBins]);
                }
            }
        }

        // Streaming (sal eval's FrameAudioScorer) joins the stream the same way: its posteriors equal the dev pass's, which
        // reads the dataset's features.
        var run = corpus.Dir.File("run");
        TrainingRun.Run(config, run);
        var evaluated = RunEvaluator.Score(run, corpus.Manifest, "dev").Traces.ToDictionary(t => t.Id);
        var normalizer = new RunDirectory(run).LoadNormalizer()!;
        var dev = TrainingRun.LoadData(config, config.ResolvedFrontEnd, normalizer: normalizer);
        using var model = new RunDirectory(run).LoadModel();
        var trainer = new Trainer(config, model, LossFactory.Create(config.Loss), dev, corpus.Dir.File("scratch"));
        var traces = trainer.DevTraces(out _);
        Assert.Equal(evaluated.Count, traces.Count);
        foreach (var trace in traces)
        {
            var reference = evaluated[trace.Id];
            Assert.Equal(reference.Frames, trace.Frames);
            var worst = reference.Posteriors.Zip(trace.Posteriors, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-5, $"{trace.Id}: max |sal eval - dev| = {worst}");
        }
    }

    [Fact]
    public void AFrontEndWithAHopLongerThanItsWindowIsRefused()
    {
        var config = new TrainConfig { Data = "m.jsonl", FrontEnd = new FbankConfig { HopSamples = 480 } };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.StartsWith("frontEnd: ", error.Message);
        Assert.Contains("hop (480)", error.Message);
    }

    [Fact]
    public void AConfigFileSetsTheHopAndTheDefaultLeavesTrainJsonAsItWas()
    {
        using var dir = new ScratchDir();
        var file = dir.File("cfg.json");
        File.WriteAllText(file, "{\"data\": \"m.jsonl\", \"windowSeconds\": 1.5, \"frontEnd\": {\"hopSamples\": 320}}");
        var config = TrainingRun.ReadConfig(file);
        Assert.Equal(320, config.ResolvedFrontEnd.HopSamples);
        Assert.Equal(400, config.ResolvedFrontEnd.WindowSamples);
        Assert.Equal(75, config.WindowFrames);
        Assert.Equal(150, (config with { FrontEnd = null }).WindowFrames);
        // A default run writes no front-end section, so its train.json is byte-identical to one written before it existed.
        Assert.DoesNotContain("frontEnd", System.Text.Json.JsonSerializer.Serialize(config with { FrontEnd = null }, ProjectJson.Options));
    }
}
