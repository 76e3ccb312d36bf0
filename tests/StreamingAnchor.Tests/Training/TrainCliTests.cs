using System.Diagnostics;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

public class TrainCliTests
{
    private static string[] TrainArgs(string manifest, string output) =>
    [
        "train", "--data", manifest, "--task", "kws", "--model", "gru", "--hidden", "16", "--loss", "sal", "--tau", "8",
        "--lambda", "4", "--epochs", "3", "--batch-size", "4", "--seed", "3", "--threads", "1", "--out", output,
        "--augment", "--window", "0.8", "--window-mode", "random", "--dropout", "0.3",
    ];

    [Fact]
    [Trait("Category", "E2E")]
    public void KilledRunResumesToTheSameWeightsAndMetricsAndEvalWritesPlots()
    {
        var dir = Directory.CreateTempSubdirectory("sal-cli-train-").FullName;
        try
        {
            var manifest = ToneKwsCorpus.Write(dir);
            var straight = Path.Combine(dir, "straight");
            var (code, stdout, stderr) = SalProcess.Run(TrainArgs(manifest, straight));
            Assert.True(code == 0, stdout + stderr);
            // Progress on stderr, the result on stdout: one line naming the run folder.
            Assert.Contains("epoch 1/", stderr);
            Assert.DoesNotContain("epoch 1/", stdout);
            Assert.StartsWith("trained ", Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

            // kill -9 the second run as soon as its first epoch is checkpointed, i.e. in the middle of epoch 2.
            var killed = Path.Combine(dir, "killed");
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sal.dll"));
            foreach (var a in TrainArgs(manifest, killed))
            {
                info.ArgumentList.Add(a);
            }
            using (var process = Process.Start(info)!)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                var last = Path.Combine(killed, Trainer.LastCheckpoint);
                var clock = Stopwatch.StartNew();
                while (!File.Exists(last) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(5);
                }
                process.Kill(); // SIGKILL on Linux: no cleanup runs
                process.WaitForExit();
            }
            var recorded = TrainingRun.ReadConfig(Path.Combine(straight, TrainingRun.ConfigFile));
            Assert.True(recorded.Augment);
            Assert.Equal(StreamingAnchor.Data.WindowMode.Random, recorded.WindowMode);
            Assert.Equal(0.3, recorded.Model.Dropout);
            Assert.Equal(0.8, recorded.WindowSeconds);
            var header = Checkpoint.ReadHeader(Path.Combine(killed, Trainer.LastCheckpoint));
            Assert.InRange(header.State.EpochsDone, 1, 2);

            (code, stdout, stderr) = SalProcess.Run("train", "--resume", killed, "--threads", "1");
            Assert.True(code == 0, stdout + stderr);
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "weights.dat")), File.ReadAllBytes(Path.Combine(killed, "weights.dat")));
            // Random 0.8 s crops of the 1.5 s clips, augmentation and dropout: all redrawn the same way after the kill.
            var rows = MetricsRows.WithoutTimings(straight);
            Assert.Equal(3, rows.Length);
            Assert.Equal(rows, MetricsRows.WithoutTimings(killed));

            (code, stdout, stderr) = SalProcess.Run("eval", "--run", killed, "--data", manifest, "--fa-per-hour", "5,0.5,1");
            Assert.True(code == 0, stdout + stderr);
            foreach (var file in new[] { "metrics.json", "report.md", "det.png", "det.svg", "latency.png", "latency.svg", "trace.png", "trace.svg" })
            {
                Assert.True(File.Exists(Path.Combine(killed, "eval", file)), file);
            }
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(killed, "eval", "det.svg")));
            // The figures have dashed lines, which Skia's SVG canvas cannot draw; it must not say so on the console.
            Assert.DoesNotContain("Unsupported path effect", stdout + stderr);
            var summary = EvaluationSummary.Load(Path.Combine(killed, "eval", "metrics.json"));
            Assert.Equal(4, summary.Result.AtThreshold.Streams);
            Assert.Equal(2, summary.Result.AtThreshold.Events);
            Assert.Equal([0.5, 1.0, 5.0], summary.Result.Targets.Select(t => t.FaPerHourTarget));
            Assert.Contains("FRR @5 FA/h", stdout);

            (code, _, stderr) = SalProcess.Run("eval", "--run", killed, "--data", manifest, "--fa-per-hour", "1,-2");
            Assert.Equal(2, code);
            Assert.Equal("error: --fa-per-hour: '-2' is not a positive number of false alarms per hour", stderr.Trim());

            // --resume takes a larger --epochs: the finished run continues, its first epochs as they were.
            (code, stdout, stderr) = SalProcess.Run("train", "--resume", killed, "--epochs", "4", "--threads", "1");
            Assert.True(code == 0, stdout + stderr);
            var continued = MetricsRows.WithoutTimings(killed);
            Assert.Equal(4, continued.Length);
            Assert.Equal(rows, continued.Take(3));
            Assert.Equal(4, TrainingRun.ReadConfig(Path.Combine(killed, TrainingRun.ConfigFile)).Epochs);
            Assert.Equal(4, new StreamingAnchor.Models.RunDirectory(killed).ReadTrainingSummary()!.EpochsDone);

            // Any other setting would continue a run the checkpoint was not part of: refused naming the flag, nothing run.
            var weights = File.ReadAllBytes(Path.Combine(killed, "weights.dat"));
            (code, _, stderr) = SalProcess.Run("train", "--resume", killed, "--lr", "0.01", "--epochs", "5");
            Assert.Equal(2, code);
            Assert.Equal("error: --resume: --lr conflicts with the run (learningRate 0.003 -> 0.01); a resumed run keeps its settings " +
                         "except --epochs, --threads, --device, --hard-negatives, --hard-negative-weight, --replicas; train a new run (--out) to change it", stderr.Trim());
            Assert.Equal(weights, File.ReadAllBytes(Path.Combine(killed, "weights.dat")));
            Assert.Equal(4, MetricsRows.WithoutTimings(killed).Length);
            // A flag repeating the recorded value changes nothing, so it is no conflict.
            (code, stdout, stderr) = SalProcess.Run("train", "--resume", killed, "--model", "gru", "--threads", "1");
            Assert.True(code == 0, stdout + stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void MissingManifestIsAOneLineError()
    {
        var (code, _, stderr) = SalProcess.Run("train", "--data", "/nonexistent/m.jsonl", "--epochs", "1", "--out",
            Path.Combine(Path.GetTempPath(), "sal-never"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: /nonexistent/m.jsonl: manifest not found", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void UnknownWindowModeIsAOneLineError()
    {
        var (code, _, stderr) = SalProcess.Run("train", "--data", "/nonexistent/m.jsonl", "--window-mode", "diagonal", "--out",
            Path.Combine(Path.GetTempPath(), "sal-never"));
        Assert.Equal(2, code);
        Assert.Equal("error: --window-mode: unknown window mode 'diagonal' (expected random or sliding) (see `sal train --help`)", stderr.Trim());
    }

    [Theory]
    [InlineData("--model", "rnn", "error: --model: unknown model family 'rnn' (expected gru, lstm, tcn, dscnn or crnn) (see `sal train --help`)")]
    [InlineData("--loss", "sa-fl", "error: --loss: unknown loss kind 'sa-fl' (expected ce, focal, sal, sa+fl, safl or maxpool) (see `sal train --help`)")]
    [InlineData("--kernel", "cosine", "error: --kernel: unknown kernel 'cosine' (expected exp, gaussian, triangular or box) (see `sal train --help`)")]
    [InlineData("--reduction", "sum", "error: --reduction: unknown loss reduction 'sum' (expected mean or weight-sum) (see `sal train --help`)")]
    [InlineData("--task", "vad", "error: --task: unknown task 'vad' (expected kws, onset or trigger) (see `sal train --help`)")]
    [InlineData("--ship", "latest", "error: --ship: unknown epoch to ship 'latest' (expected best or last) (see `sal train --help`)")]
    public void AnUnknownNameIsAUsageErrorListingTheAllowedOnes(string flag, string value, string expected)
    {
        var (code, _, stderr) = SalProcess.Run("train", "--data", "/nonexistent/m.jsonl", flag, value, "--out", Path.Combine(Path.GetTempPath(), "sal-never"));
        Assert.Equal(2, code);
        Assert.Equal(expected, stderr.Trim());
    }

    [Theory]
    [InlineData("--ema-decay", "1", "error: ema decay (--ema-decay, emaDecay) must be in (0, 1), e.g. 0.998; got 1")]
    [InlineData("--warp", "1.5", "error: augmentation: warpProbability (--warp) must be a probability in [0, 1], got 1.5")]
    [InlineData("--speed", "-0.5", "error: augmentation: speedProbability (--speed) must be a probability in [0, 1], got -0.5")]
    public void AValueOutsideItsRangeIsAUsageErrorNamingTheFlag(string flag, string value, string expected)
    {
        var (code, _, stderr) = SalProcess.Run("train", "--data", "/nonexistent/m.jsonl", flag, value, "--out", Path.Combine(Path.GetTempPath(), "sal-never"));
        Assert.Equal(2, code);
        Assert.Equal(expected, stderr.Trim());
    }

    [Theory]
    [Trait("Category", "E2E")]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void WarpAloneWarpsOnlyAndWithAugmentJoinsItsParts(bool augment, bool speed)
    {
        using var dir = new ScratchDir();
        var manifest = ToneKwsCorpus.Write(dir.Path);
        var run = dir.File("run");
        string[] args = ["train", "--data", manifest, "--task", "kws", "--model", "gru", "--hidden", "8", "--loss", "ce", "--epochs", "1",
            "--batch-size", "4", "--threads", "1", "--warp", "0.5", "--out", run, .. augment ? ["--augment"] : Array.Empty<string>(),
            .. speed ? ["--speed", "0.25"] : Array.Empty<string>()];
        var (code, stdout, stderr) = SalProcess.Run(args);
        Assert.True(code == 0, stdout + stderr);
        var recorded = TrainingRun.ReadConfig(Path.Combine(run, TrainingRun.ConfigFile));
        Assert.Equal((augment ? TrainConfig.DefaultAugmentation : AugmentOptions.None) with { WarpProbability = 0.5, SpeedProbability = speed ? 0.25 : 0 },
            recorded.ResolvedAugmentation);
    }

    [Theory]
    [InlineData("frr@0", "error: --dev-metric: 'frr@0': only frr takes a budget, as frr@X with X > 0 false alarms per hour")]
    [InlineData("eer@1", "error: --dev-metric: 'eer@1': only frr takes a budget, as frr@X with X > 0 false alarms per hour")]
    [InlineData("auc", "error: --dev-metric: unknown metric 'auc' (expected eer, frr, frr@X or loss)")]
    public void ABadDevMetricIsAUsageError(string metric, string expected)
    {
        var (code, _, stderr) = SalProcess.Run("train", "--data", "/nonexistent/m.jsonl", "--dev-metric", metric, "--out",
            Path.Combine(Path.GetTempPath(), "sal-never"));
        Assert.Equal(2, code);
        Assert.Equal(expected, stderr.Trim());
    }
}
