using StreamingAnchor.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Losses;

/// <summary>Malformed inputs and options fail with one-line messages that name the problem.</summary>
public class LossValidationTests
{
    private static LossCase Case(int classes = 3) => LossCase.Random(new Random(3), batch: 2, frames: 5, classes: classes);

    [Theory]
    [InlineData(3, 3, "target 3 at sequence 1 frame 2 is outside [0, 3)")]
    [InlineData(1, 2, "target 2 at sequence 1 frame 2 is outside [0, 2)")]
    [InlineData(3, -1, "target -1 at sequence 1 frame 2")]
    public void TargetsOutsideTheClassesAreRejected(int classes, long target, string message)
    {
        var data = Case(classes);
        data.Lengths[1] = 5;
        data.Targets[1, 2] = target;
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            var error = Assert.Throws<ArgumentException>(() => data.Loss(new LossConfig { Kind = kind }));
            Assert.Contains(message, error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Fact]
    public void LengthsOutsideTheBatchAreRejected()
    {
        var data = Case() with { Lengths = [5, 6] };
        var error = Assert.Throws<ArgumentException>(() => data.Loss(new LossConfig()));
        Assert.Equal("length 6 of sequence 1 is outside [0, 5]", error.Message);
    }

    [Fact]
    public void NonFiniteAnchorsAreRejected()
    {
        var data = Case() with { Anchors = [[1.0], [double.PositiveInfinity]] };
        var error = Assert.Throws<ArgumentException>(() => data.Loss(new LossConfig()));
        Assert.Equal("anchor ∞ of sequence 1 is not a finite frame position", error.Message.Replace("Infinity", "∞"));
    }

    [Fact]
    public void ShapesAndCountsAreChecked()
    {
        var data = Case();
        var loss = LossFactory.Create(new LossConfig());
        using var scope = torch.NewDisposeScope();
        Assert.Contains("logits must be [B,T,C]", Assert.Throws<ArgumentException>(() =>
            loss.Forward(torch.zeros(2, 5), data.TargetsTensor(), data.LengthsTensor(), data.Anchors)).Message);
        Assert.Contains("targets must be [B,T] = [2,5]", Assert.Throws<ArgumentException>(() =>
            loss.Forward(data.LogitsTensor(), torch.zeros(2, 4, dtype: ScalarType.Int64), data.LengthsTensor(), data.Anchors)).Message);
        Assert.Contains("targets must be integer class indices", Assert.Throws<ArgumentException>(() =>
            loss.Forward(data.LogitsTensor(), torch.zeros(2, 5), data.LengthsTensor(), data.Anchors)).Message);
        Assert.Contains("one array per sequence: 2 sequences, 1 arrays", Assert.Throws<ArgumentException>(() =>
            loss.Forward(data.LogitsTensor(), data.TargetsTensor(), data.LengthsTensor(), [[1.0]])).Message);
        Assert.Contains("class weights hold 2 values but the targets have 3 classes", Assert.Throws<ArgumentException>(() =>
            data.Loss(new LossConfig { ClassWeights = [1, 2] })).Message);
    }

    [Theory]
    [InlineData("kind", "unknown loss kind '99' (expected ce, focal, sal, sa+fl, safl or maxpool)")]
    [InlineData("kernel", "unknown kernel '99' (expected exp, gaussian, triangular or box)")]
    [InlineData("reduction", "unknown loss reduction '99' (expected mean or weight-sum)")]
    [InlineData("lambda", "loss lambda must be finite and >= 0, got -1")]
    [InlineData("gamma", "loss gamma must be finite and >= 0, got NaN")]
    [InlineData("tau", "kernel spread before the anchor must be finite and >= 0, got -2")]
    [InlineData("weights", "class weight 1 must be finite and >= 0, got -0.5")]
    [InlineData("shift", "loss anchor shift must be a finite number of frames, got Infinity")]
    public void BadOptionsAreRejectedByTheFactory(string option, string message)
    {
        var config = option switch
        {
            "kind" => new LossConfig { Kind = (LossKind)99 },
            "kernel" => new LossConfig { Kernel = (KernelShape)99 },
            "reduction" => new LossConfig { Reduction = (LossReduction)99 },
            "lambda" => new LossConfig { Lambda = -1 },
            "gamma" => new LossConfig { Gamma = double.NaN },
            "tau" => new LossConfig { TauBefore = -2 },
            "shift" => new LossConfig { AnchorShift = double.PositiveInfinity },
            _ => new LossConfig { ClassWeights = [1, -0.5] },
        };
        var error = Assert.Throws<ArgumentException>(() => LossFactory.Create(config));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Int32TargetsAndLengthsAreAccepted()
    {
        var data = Case();
        using var scope = torch.NewDisposeScope();
        var expected = data.Loss(new LossConfig());
        var actual = LossFactory.Create(new LossConfig()).Forward(data.LogitsTensor(), data.TargetsTensor().to_type(ScalarType.Int32),
            data.LengthsTensor().to_type(ScalarType.Int32), data.Anchors).item<double>();
        Assert.Equal(expected, actual, 14);
    }
}
