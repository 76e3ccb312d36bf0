using System.Text.Json;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Training;

/// <summary>`sal train --ema-decay`: a moving average of the weights is what the dev split scores and a run ships.</summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class WeightAverageTests
{
    private static TrainConfig Config(int epochs, double? ema) => TrainerTests.Config(epochs) with { EmaDecay = ema };

    private static StreamingModel NewModel(TrainConfig config, ITrainingData data, int seed)
    {
        torch.manual_seed(seed);
        return ModelFactory.Create(config.Model, data.InputDim, data.NumClasses);
    }

    private static float[] Flat(nn.Module model) =>
        model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void EachStepFoldsTheWeightsInWithTheWarmedUpDecay()
    {
        torch.manual_seed(3);
        using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Gru, Hidden = 4, Layers = 1 }, 3, 2);
        using var average = new WeightAverage(model, 0.9);
        var start = Flat(model);
        Assert.Equal(start, Flat(average.Model));

        // Step 0 takes d = min(0.9, 1/10): the average moves nine tenths of the way to the new weights.
        Assert.Equal(0.1, average.DecayAt(0), 12);
        Assert.Equal(0.9, average.DecayAt(1000), 12);
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.add_(1.0f);
            }
        }
        average.Update(0);
        var expected = start.Select(w => (float)(0.1 * w + 0.9 * (w + 1.0f))).ToArray();
        var got = Flat(average.Model);
        for (var i = 0; i < got.Length; i++)
        {
            Assert.Equal(expected[i], got[i], 5);
        }
        // A late step keeps nine tenths of the average.
        average.Update(1000);
        var late = Flat(average.Model);
        for (var i = 0; i < late.Length; i++)
        {
            Assert.Equal(0.9 * got[i] + 0.1 * (start[i] + 1.0f), late[i], 5);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(model, 1.0));
        var bad = Assert.Throws<ArgumentException>(() => Config(1, 1.5).Validate());
        Assert.Equal("ema decay (--ema-decay, emaDecay) must be in (0, 1), e.g. 0.998; got 1.5", bad.Message);
    }

    [Fact]
    public void TheDevSplitScoresTheAverage()
    {
        var dir = Directory.CreateTempSubdirectory("sal-ema-").FullName;
        try
        {
            var config = Config(2, 0.9);
            var data = new GeneratedKwsData(48, 16, 16, seed: 2);
            new Trainer(config, NewModel(config, data, config.Seed), LossFactory.Create(config.Loss), data, dir).Run();
            var shipped = NewModel(config, data, 7);
            Checkpoint.Load(Path.Combine(dir, Trainer.LastCheckpoint), shipped);
            // The dev loss recorded for the last epoch is the average's: scoring those weights again gives it exactly.
            var rows = File.ReadAllLines(Path.Combine(dir, Trainer.MetricsFile));
            var recorded = JsonDocument.Parse(rows[^1]).RootElement.GetProperty("devLoss").GetDouble();
            var rescored = new Trainer(Config(2, null), shipped, LossFactory.Create(config.Loss), data, dir).EvaluateDev().Loss;
            Assert.Equal(recorded, rescored);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ARunFolderServesTheAverageAndItsSummarySaysSo()
    {
        var dir = Directory.CreateTempSubdirectory("sal-ema-run-").FullName;
        try
        {
            var manifest = ToneKwsCorpus.Write(dir, clips: 9);
            var run = Path.Combine(dir, "run");
            TrainingRun.Run(ToneKwsCorpus.TinyGru(manifest) with { Epochs = 2, EmaDecay = 0.9 }, run);
            Assert.Equal(0.9, new RunDirectory(run).ReadTrainingSummary()!.EmaDecay);
            var best = Path.Combine(run, Trainer.BestCheckpoint);
            Assert.True(Checkpoint.ReadHeader(best).Averaged);
            using var shipped = new RunDirectory(run).LoadModel();
            using var average = new RunDirectory(run).LoadModel();
            Checkpoint.Load(best, average);
            Assert.Equal(Flat(average), Flat(shipped));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ACheckpointWithoutAnAverageStartsOneAtItsWeightsAndOneWithItResumesTheTrainedWeights()
    {
        var dir = Directory.CreateTempSubdirectory("sal-ema-ckpt-").FullName;
        try
        {
            torch.manual_seed(4);
            var spec = new ModelConfig { Family = ModelFamily.Gru, Hidden = 4, Layers = 1 };
            using var trained = ModelFactory.Create(spec, 3, 2);
            using var averaged = ModelFactory.Create(spec, 3, 2);
            using var optimizer = torch.optim.AdamW(trained.parameters());
            var header = new Checkpoint.Header(new TrainingState(1, 10, 0.5, 1, 0, false), []);
            var plain = Path.Combine(dir, "plain.ckpt");
            var withAverage = Path.Combine(dir, "average.ckpt");
            Checkpoint.Save(plain, header, trained, optimizer);
            Checkpoint.Save(withAverage, header, averaged, optimizer, trained);
            Assert.False(Checkpoint.ReadHeader(plain).Averaged);

            torch.manual_seed(5);
            using var model = ModelFactory.Create(spec, 3, 2);
            using var average = ModelFactory.Create(spec, 3, 2);
            using var fresh = torch.optim.AdamW(model.parameters());
            Checkpoint.Resume(plain, model, fresh, average);
            Assert.Equal(Flat(trained), Flat(model));
            Assert.Equal(Flat(trained), Flat(average));

            // Readers of the shipped weights get the average; a resume without one continues the trained weights.
            Checkpoint.Load(withAverage, model);
            Assert.Equal(Flat(averaged), Flat(model));
            Checkpoint.Resume(withAverage, model, fresh, null);
            Assert.Equal(Flat(trained), Flat(model));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
