using StreamingAnchor.Data;
using StreamingAnchor.Evaluation.Experiments;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;
using Xunit;

namespace StreamingAnchor.Tests.Experiments;

public class ExperimentConfigTests
{
    [Fact]
    public void EveryCellTrainsWithTheGridsWidthSamplerAndDevMetric()
    {
        var grid = new ExperimentConfig
        {
            Models = [ModelFamily.Tcn],
            Losses = [LossKind.Ce, LossKind.SaPlusFl],
            Seeds = 2,
            Hidden = 48,
            Sampler = SamplerOptions.Default,
            DevMetric = DevMetric.Frr,
            DevFaPerHour = 2,
            Ship = ShipEpoch.Last,
        };
        var cells = grid.Cells();
        Assert.Equal(4, cells.Count);
        foreach (var cell in cells)
        {
            var train = grid.TrainConfigOf(cell);
            Assert.Equal(48, train.Model.Hidden);
            Assert.Equal(SamplerOptions.Default, train.Sampler);
            Assert.Equal("frr@2", train.DevMetricName);
            Assert.Equal(ShipEpoch.Last, train.Ship);
            Assert.Equal(cell.Loss, train.Loss.Kind);
            Assert.Equal(cell.Seed, train.Seed);
        }
    }

    [Fact]
    public void WithoutTheNewSettingsACellTrainsAsBefore()
    {
        var grid = new ExperimentConfig { Models = [ModelFamily.Gru], Losses = [LossKind.Sal] };
        var train = grid.TrainConfigOf(grid.Cells()[0]);
        Assert.Null(train.Model.Hidden);
        Assert.Null(train.Sampler);
        Assert.Equal(DevMetric.Eer, train.DevMetric);
        Assert.Equal(ShipEpoch.Best, train.Ship);
    }

    [Fact]
    public void NearMissAnchorsReachOnlyTheLossesWithASignificance()
    {
        var grid = new ExperimentConfig
        {
            Models = [ModelFamily.Tcn],
            Losses = [LossKind.Ce, LossKind.Focal, LossKind.MaxPool, LossKind.Sal, LossKind.SaPlusFl, LossKind.Safl],
            Loss = new LossConfig { NearMissAnchors = true },
        };
        grid.Validate();
        var flagged = grid.Cells().Where(c => grid.TrainConfigOf(c).Loss.NearMissAnchors).Select(c => c.Loss).ToList();
        Assert.Equal([LossKind.Sal, LossKind.SaPlusFl, LossKind.Safl], flagged);
        Assert.Contains("loss 'ce' has none of (expected sal, sa+fl or safl)",
            Assert.Throws<ArgumentException>(() => new LossConfig { Kind = LossKind.Ce, NearMissAnchors = true }.Validate()).Message);
    }
}
