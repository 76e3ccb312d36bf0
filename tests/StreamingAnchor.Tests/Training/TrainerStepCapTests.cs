using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;
using TorchSharp;

namespace StreamingAnchor.Tests.Training;

[Collection(LibTorchRngCollection.Name)]
public class TrainerStepCapTests
{
    [Fact]
    public void AStepBudgetEndsTrainingInsideAnEpochAndAResumeDoesNotTrainPastIt()
    {
        var dir = Directory.CreateTempSubdirectory("sal-steps-").FullName;
        try
        {
            // 4 batches per epoch, 3 epochs, at most 6 steps: epoch 2 stops after its second batch.
            var config = new TrainConfig
            {
                Model = new ModelConfig { Family = ModelFamily.Gru, Hidden = 8, Layers = 1 },
                Loss = new LossConfig { Kind = LossKind.Ce },
                Epochs = 3,
                MaxSteps = 6,
                BatchSize = 8,
                Seed = 3,
                Threads = 1,
            };
            var data = new GeneratedKwsData(32, 8, 8, seed: 3);
            torch.manual_seed(config.Seed);
            var model = ModelFactory.Create(config.Model, data.InputDim, data.NumClasses);
            var state = new Trainer(config, model, LossFactory.Create(config.Loss), data, dir).Run();
            Assert.Equal(6, state.Step);
            Assert.Equal(2, state.EpochsDone);
            Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, Trainer.MetricsFile)).Length);

            var again = new Trainer(config, model, LossFactory.Create(config.Loss), data, dir).Run();
            Assert.Equal(6, again.Step);
            Assert.Equal(2, again.EpochsDone);
            Assert.Throws<ArgumentException>(() => (config with { MaxSteps = 0 }).Validate());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
