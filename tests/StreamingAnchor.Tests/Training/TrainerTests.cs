using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;
using TorchSharp;

namespace StreamingAnchor.Tests.Training;

[Collection(LibTorchRngCollection.Name)]
public class TrainerTests
{
    /// <summary>A tiny GRU run on <see cref="GeneratedKwsData"/>.</summary>
    internal static TrainConfig Config(int epochs) => new()
    {
        Task = TaskKind.Kws,
        Model = new ModelConfig { Family = ModelFamily.Gru, Hidden = 16, Layers = 1 },
        Loss = new LossConfig { Kind = LossKind.Sal, Tau = 8, Lambda = 4 },
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 1e-2,
        Seed = 5,
        Threads = 1,
    };

    private static StreamingModel NewModel(TrainConfig config, ITrainingData data)
    {
        torch.manual_seed(config.Seed);
        return ModelFactory.Create(config.Model, data.InputDim, data.NumClasses);
    }

    private static string TempRun() => Directory.CreateTempSubdirectory("sal-train-").FullName;

    [Fact]
    public void TinyModelLossDecreasesAndEveryEpochIsRecorded()
    {
        var dir = TempRun();
        try
        {
            var config = Config(4);
            var data = new GeneratedKwsData(64, 16, 16, seed: 1);
            var trainer = new Trainer(config, NewModel(config, data), LossFactory.Create(config.Loss), data, dir);
            var reports = new List<TrainProgress>();
            var state = trainer.Run(new SyncProgress<TrainProgress>(reports.Add));
            Assert.Equal(4, state.EpochsDone);
            Assert.Equal(16, state.Step);
            var rows = File.ReadAllLines(Path.Combine(dir, Trainer.MetricsFile));
            Assert.Equal(4, rows.Length);
            var epochs = reports.Where(r => r.Finished is not null).Select(r => r.Finished!).ToList();
            Assert.True(epochs[^1].TrainLoss < 0.8 * epochs[0].TrainLoss, $"loss {epochs[0].TrainLoss} -> {epochs[^1].TrainLoss}");
            Assert.True(File.Exists(trainer.BestCheckpointPath));
            Assert.True(File.Exists(trainer.LastCheckpointPath));
            Assert.All(reports, r => Assert.True(r.LearningRate > 0));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(2, null)]
    [InlineData(3, null)]
    [InlineData(null, 0.9)]
    public void ACrashedRunResumesToTheSameWeightsAsAnUninterruptedOne(int? replicas, double? ema)
    {
        var straight = TempRun();
        var crashed = TempRun();
        try
        {
            // Dropout on, so the resumed epochs must also redraw the same dropout masks (with replicas: from each
            // replica's own generator, whatever the threads' timing).
            // With a weight average, both the optimiser's weights and the average must be replayed.
            var config = Config(3) with { Model = Config(3).Model with { Dropout = 0.3 }, Replicas = replicas, EmaDecay = ema };
            var dataA = new GeneratedKwsData(48, 16, 16, seed: 2);
            var modelA = NewModel(config, dataA);
            new Trainer(config, modelA, LossFactory.Create(config.Loss), dataA, straight).Run();

            // Crash in the middle of epoch 2: the process dies, nothing of epoch 2 is kept.
            var dataB = new GeneratedKwsData(48, 16, 16, seed: 2);
            var crash = new SyncProgress<TrainProgress>(p =>
            {
                if (p.Epoch == 2 && p.Batch == 2)
                {
                    throw new OperationCanceledException("simulated kill");
                }
            });
            Assert.Throws<OperationCanceledException>(() =>
                new Trainer(config, NewModel(config, dataB), LossFactory.Create(config.Loss), dataB, crashed).Run(crash));
            Assert.Equal(1, Checkpoint.ReadHeader(Path.Combine(crashed, Trainer.LastCheckpoint)).State.EpochsDone);

            // A new process: fresh (differently initialised) model, resumed from the last checkpoint.
            torch.manual_seed(999);
            var modelB = ModelFactory.Create(config.Model, dataB.InputDim, dataB.NumClasses);
            var state = new Trainer(config, modelB, LossFactory.Create(config.Loss), dataB, crashed).Run();
            Assert.Equal(3, state.EpochsDone);

            var a = modelA.state_dict();
            var b = modelB.state_dict();
            Assert.Equal(a.Keys, b.Keys);
            foreach (var key in a.Keys)
            {
                Assert.True(a[key].eq(b[key]).all().item<bool>(), $"{key} differs after resume");
            }
            var shippedA = ModelFactory.Create(config.Model, dataA.InputDim, dataA.NumClasses);
            var shippedB = ModelFactory.Create(config.Model, dataB.InputDim, dataB.NumClasses);
            Assert.Equal(ema is not null, Checkpoint.ReadHeader(Path.Combine(straight, Trainer.LastCheckpoint)).Averaged);
            Checkpoint.Load(Path.Combine(straight, Trainer.LastCheckpoint), shippedA);
            Checkpoint.Load(Path.Combine(crashed, Trainer.LastCheckpoint), shippedB);
            var sa = shippedA.state_dict();
            var sb = shippedB.state_dict();
            foreach (var key in sa.Keys)
            {
                Assert.True(sa[key].eq(sb[key]).all().item<bool>(), $"shipped {key} differs after resume");
            }
            // What ships is the average when there is one, else the last step's weights.
            Assert.Equal(ema is null, a.Keys.All(key => a[key].eq(sa[key]).all().item<bool>()));
            var rows = MetricsRows.WithoutTimings(straight);
            Assert.Equal(3, rows.Length);
            Assert.Equal(rows, MetricsRows.WithoutTimings(crashed));
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(crashed, true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void NonFiniteLossStopsNamingTheStepAndKeepsTheLastGoodCheckpoint(int replicas)
    {
        var dir = TempRun();
        try
        {
            var config = Config(3) with { Replicas = replicas };
            var data = new GeneratedKwsData(48, 16, 16, seed: 3, nanFromEpoch: 2);
            var trainer = new Trainer(config, NewModel(config, data), LossFactory.Create(config.Loss), data, dir);
            var ex = Assert.Throws<NonFiniteLossException>(() => trainer.Run());
            // Epoch 1 has 3 steps (0-2); the second batch of epoch 2 is step 4.
            Assert.Equal(4, ex.Step);
            Assert.Contains("step 4", ex.Message);
            var header = Checkpoint.ReadHeader(trainer.LastCheckpointPath);
            Assert.Equal(1, header.State.EpochsDone);
            Assert.Single(File.ReadAllLines(Path.Combine(dir, Trainer.MetricsFile)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ScheduleWarmsUpLinearlyThenDecaysByCosine()
    {
        var s = new LearningRateSchedule(1.0, 110, 10, 0.1);
        Assert.Equal(0.1, s.At(0), 12);
        Assert.Equal(1.0, s.At(9), 12);
        Assert.Equal(1.0, s.At(10), 12);
        Assert.Equal(0.55, s.At(60), 12);
        Assert.Equal(0.1, s.At(110), 12);
    }
}
