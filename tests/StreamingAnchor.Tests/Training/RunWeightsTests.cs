using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>`sal eval --weights best|last`: another epoch's weights scored from the run's checkpoints, weights.dat untouched.</summary>
public sealed class RunWeightsTests
{
    private static TrainConfig Tiny(string manifest) => ToneKwsCorpus.TinyGru(manifest) with { Epochs = 2, DevMetric = DevMetric.Frr };

    private static float[][] Posteriors(string run, string manifest, RunWeights weights) =>
        RunEvaluator.Score(run, manifest, weights: weights).Traces.Select(t => t.Posteriors).ToArray();

    [Fact]
    public void EachCheckpointScoresItsOwnEpochAndWeightsDatIsUntouched()
    {
        var dir = Directory.CreateTempSubdirectory("sal-weights-").FullName;
        try
        {
            var manifest = ToneKwsCorpus.Write(dir, clips: 9);
            var run = Path.Combine(dir, "run");
            var state = TrainingRun.Run(Tiny(manifest), run);
            var shippedBytes = File.ReadAllBytes(Path.Combine(run, RunDirectory.WeightsFile));

            var shipped = Posteriors(run, manifest, RunWeights.Shipped);
            Assert.Equal(shipped, Posteriors(run, manifest, RunWeights.Best));
            // Epochs 1 and 2 differ by a training step, so the last checkpoint matches the shipped weights exactly when
            // the dev metric picked epoch 2.
            var last = Posteriors(run, manifest, RunWeights.Last);
            Assert.Equal(state.BestEpoch == 2, shipped.Zip(last).All(p => p.First.SequenceEqual(p.Second)));
            Assert.Equal(shippedBytes, File.ReadAllBytes(Path.Combine(run, RunDirectory.WeightsFile)));

            File.Delete(Path.Combine(run, Trainer.BestCheckpoint));
            var ex = Assert.Throws<FileNotFoundException>(() => Posteriors(run, manifest, RunWeights.Best));
            Assert.Equal($"{Path.Combine(Path.GetFullPath(run), Trainer.BestCheckpoint)}: checkpoint not found", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "E2E")]
    public void EvalOfTheLastCheckpointWritesBesideTheRunsOwnEvaluation()
    {
        var dir = Directory.CreateTempSubdirectory("sal-weights-cli-").FullName;
        try
        {
            var manifest = ToneKwsCorpus.Write(dir, clips: 9);
            var run = Path.Combine(dir, "run");
            TrainingRun.Run(Tiny(manifest), run);
            var (code, stdout, stderr) = SalProcess.Run(["eval", "--run", run + "/", "--data", manifest, "--weights", "last"]);
            Assert.True(code == 0, stdout + stderr);
            Assert.True(File.Exists(Path.Combine(run, "eval-last", "metrics.json")), stdout + stderr);
            Assert.False(Directory.Exists(Path.Combine(run, RunEvaluator.EvalFolder)), "the shipped weights' eval/ is not written");
            Assert.Contains("run (last checkpoint)", stdout);

            var (bad, _, badErr) = SalProcess.Run(["eval", "--run", run, "--data", manifest, "--weights", "final"]);
            Assert.Equal(2, bad);
            Assert.Contains("--weights: unknown weights 'final' (expected shipped, best or last)", badErr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
