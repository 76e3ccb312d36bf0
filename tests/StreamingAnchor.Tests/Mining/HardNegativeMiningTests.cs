using System.Text.Json.Nodes;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Losses;
using StreamingAnchor.Mining;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Mining;

[Collection(LibTorchRngCollection.Name)]
public class HardNegativeMiningTests
{
    [Fact]
    public void WindowsAreClippedToTheRecordingAndMergedWhereTheyOverlap()
    {
        var detections = new List<Detection> { new(1.0, 1, 0.7, 97), new(2.2, 1, 0.9, 217), new(5.9, 1, 0.6, 587) };
        var windows = HardNegativeMiner.Windows(detections, 6.0, 1.5, 0.5);
        Assert.Equal(2, windows.Count);
        Assert.Equal((0.0, 2.7, 0.9), (windows[0].Start, windows[0].End, windows[0].Score), new TupleComparer());
        Assert.Equal((4.4, 6.0, 0.6), (windows[1].Start, windows[1].End, windows[1].Score), new TupleComparer());
    }

    /// <summary>
    /// A model trained to fire on tone bursts, mined over a folder where two of four recordings hold a burst: the mined
    /// windows come from those two, around their bursts; the manifest passes `sal data check`; a rerun resumes to the
    /// same manifest; and training with it runs, seeing the hard negatives every epoch.
    /// </summary>
    [Fact]
    [Trait("Category", "E2E")]
    public void MiningFindsTheRecordingsWhereTheModelFiresAndTrainingUsesThem()
    {
        using var corpus = new TinyCorpus();
        var run = corpus.Dir.File("run");
        var config = new TrainConfig
        {
            Data = corpus.Manifest,
            Task = TaskKind.Kws,
            Model = new ModelConfig { Family = ModelFamily.Gru, Hidden = 16, Layers = 1 },
            Loss = new LossConfig { Kind = LossKind.Ce },
            Epochs = 30,
            BatchSize = 2,
            LearningRate = 1e-2,
            Seed = 3,
            Threads = 1,
        };
        TrainingRun.Run(config, run);

        var pool = Directory.CreateDirectory(corpus.Dir.File("pool")).FullName;
        var rng = new Random(7);
        WavFile.Write(Path.Combine(pool, "a-quiet.wav"), Signal(3.0, null, rng), 16000);
        WavFile.Write(Path.Combine(pool, "b-burst.wav"), Signal(3.0, 1.2, rng), 16000);
        WavFile.Write(Path.Combine(pool, "c-quiet.wav"), Signal(3.0, null, rng), 16000);
        WavFile.Write(Path.Combine(pool, "d-burst.wav"), Signal(3.0, 2.0, rng), 16000);
        var mined = corpus.Dir.File("mined");

        // 12 s of pool audio: 700 FA/h allows two false alarms.
        var (code, stdout, stderr) = SalProcess.Run("mine", "--run", run, "--wav-dir", pool, "--out", mined, "--fa-per-hour", "700", "--weight", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("round 1: 4 clips", stdout);
        Assert.Contains("mine: streamed 4/4 clips", stderr);
        var manifestPath = Path.Combine(mined, HardNegativeMiner.ManifestFile);
        var entries = Manifest.Load(manifestPath).Entries;
        Assert.True(entries.Select(e => e.Meta!["source"]).Distinct().Order().SequenceEqual(["b-burst", "d-burst"]),
            stdout + string.Join("; ", entries.Select(e => $"{e.Id} {e.Meta!["score"]}")) + Diagnose(run, pool));
        foreach (var e in entries)
        {
            var burst = e.Meta!["source"] == "b-burst" ? 1.2 : 2.0;
            var start = double.Parse(e.Meta["start"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(burst, start, start + e.Duration);
            Assert.Empty(e.Events);
            Assert.Equal("train", e.Split);
        }

        var round = JsonNode.Parse(File.ReadAllLines(Path.Combine(mined, HardNegativeMiner.RoundsFile)).Single())!;
        Assert.Equal(entries.Count, round["falseAlarms"]!.GetValue<int>());
        Assert.Equal(2.0, round["weight"]!.GetValue<double>());
        Assert.True(round["faPerHour"]!.GetValue<double>() <= 700);

        (code, stdout, stderr) = SalProcess.Run("data", "check", manifestPath);
        Assert.True(code == 0, stdout + stderr);

        // A rerun with the same model is the same round, from the cached posteriors: the same manifest, byte for byte.
        var before = File.ReadAllBytes(manifestPath);
        var again = HardNegativeMiner.Mine(new MiningOptions { Run = run, WavFolder = pool, Out = mined, FaPerHour = 700, Weight = 2 });
        Assert.Equal(1, again.Round);
        Assert.Equal(0, again.StreamSeconds);
        Assert.Equal(before, File.ReadAllBytes(manifestPath));

        var withHard = corpus.Dir.File("run-hard");
        TrainingRun.Run(config with { Epochs = 2, HardNegatives = manifestPath, HardNegativeWeight = 2 }, withHard);
        var summary = new RunDirectory(withHard).ReadTrainingSummary()!;
        Assert.True(summary.HardNegativeBatchesPerEpoch >= 1);
        var plain = TrainingRun.LoadData(config, new FbankConfig());
        var mixed = TrainingRun.WithHardNegatives(config with { HardNegatives = manifestPath, HardNegativeWeight = 2 }, plain);
        Assert.True(mixed.TrainBatchesPerEpoch > plain.TrainBatchesPerEpoch);
        var ids = mixed.TrainBatches(1).SelectMany(b => { using (b) { return b.Ids.ToList(); } }).ToList();
        Assert.Equal(2 * entries.Count, ids.Count(id => id.StartsWith("r1-", StringComparison.Ordinal)));
    }

    private static string Diagnose(string run, string pool)
    {
        using var opened = RunScorer.Open(run);
        var pipeline = opened.Pipeline(new DetectorConfig { Threshold = 0.05, SmoothingFrames = 5 });
        var text = new System.Text.StringBuilder();
        foreach (var f in Directory.GetFiles(pool, "*.wav").Order())
        {
            var r = pipeline.Run(WavFile.Read(f).Samples, 1600);
            var smooth = PosteriorSmoother.SmoothTrace(r.Posteriors, 1, 5);
            var max = smooth.Select((v, i) => (v, i)).MaxBy(x => x.v);
            text.Append($" | {Path.GetFileName(f)} max {max.v:0.###} at frame {max.i}, dets {string.Join(",", r.Detections.Select(d => $"{d.Time:0.00}:{d.Score:0.00}"))}");
        }
        return text.ToString();
    }

    /// <summary>Low noise, with a 0.4 s tone burst (what the tiny corpus's keyword sounds like) starting at <paramref name="burst"/>.</summary>
    private static float[] Signal(double seconds, double? burst, Random rng)
    {
        var x = new float[(int)Math.Round(seconds * 16000)];
        for (var i = 0; i < x.Length; i++)
        {
            var t = i / 16000.0;
            double v = 0.002 * ((rng.NextDouble() * 2) - 1);
            if (burst is { } b && t >= b && t < b + 0.4)
            {
                v += 0.3 * Math.Sin(2 * Math.PI * 700 * t);
            }
            x[i] = (float)v;
        }
        return x;
    }

    private sealed class TupleComparer : IEqualityComparer<(double, double, double)>
    {
        public bool Equals((double, double, double) a, (double, double, double) b) =>
            Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9 && Math.Abs(a.Item3 - b.Item3) < 1e-9;

        public int GetHashCode((double, double, double) obj) => 0;
    }
}
