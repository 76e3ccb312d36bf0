using StreamingAnchor.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Losses;

/// <summary>The family's special cases collapse to cross entropy, and batching follows the reduction.</summary>
public class LossIdentityTests
{
    private static LossCase Case(int classes, int seed = 5) => LossCase.Random(new Random(seed), batch: 3, frames: 9, classes: classes);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void LambdaZeroGivesCrossEntropy(int classes)
    {
        var data = Case(classes);
        var ce = data.Loss(new LossConfig { Kind = LossKind.Ce });
        Assert.True(ce > 0);
        Assert.Equal(ce, data.Loss(new LossConfig { Kind = LossKind.Sal, Lambda = 0 }), 12);
        Assert.Equal(ce, data.Loss(new LossConfig { Kind = LossKind.SaPlusFl, Lambda = 0, Gamma = 0 }), 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void GammaZeroGivesCrossEntropy(int classes)
    {
        var data = Case(classes);
        var ce = data.Loss(new LossConfig { Kind = LossKind.Ce });
        Assert.Equal(ce, data.Loss(new LossConfig { Kind = LossKind.Focal, Gamma = 0 }), 12);
        Assert.Equal(ce, data.Loss(new LossConfig { Kind = LossKind.Safl, Gamma = 0 }), 12);
        Assert.Equal(data.Loss(new LossConfig { Kind = LossKind.Sal }), data.Loss(new LossConfig { Kind = LossKind.SaPlusFl, Gamma = 0 }), 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void NoAnchorsGivesCrossEntropy(int classes)
    {
        var data = Case(classes) with { Anchors = [[], [], []] };
        var ce = data.Loss(new LossConfig { Kind = LossKind.Ce });
        Assert.Equal(ce, data.Loss(new LossConfig { Kind = LossKind.Sal }), 12);
        Assert.Equal(ce, data.Loss(new LossConfig { Kind = LossKind.Safl, SaflAnchorWeight = true }), 12);
        Assert.Equal(data.Loss(new LossConfig { Kind = LossKind.Focal }), data.Loss(new LossConfig { Kind = LossKind.SaPlusFl }), 12);
    }

    [Theory]
    [InlineData(LossKind.Sal, 1, -3.5)]
    [InlineData(LossKind.SaPlusFl, 4, 2)]
    [InlineData(LossKind.Safl, 1, -1)]
    public void AnAnchorShiftIsTheSameLossWithTheAnchorsMoved(LossKind kind, int classes, double shift)
    {
        var data = Case(classes) with { Anchors = [[4.0], [], [2.5, 7.0]] };
        var moved = data with { Anchors = [[4.0 + shift], [], [2.5 + shift, 7.0 + shift]] };
        var config = new LossConfig { Kind = kind, Tau = 2, Reduction = LossReduction.WeightSum };
        var shifted = data.Loss(config with { AnchorShift = shift });
        Assert.Equal(moved.Loss(config), shifted, 12);
        Assert.NotEqual(data.Loss(config), shifted, 6);
        Assert.Equal(moved.FrameWeights(config), data.FrameWeights(config with { AnchorShift = shift }));
        // CE does not read anchors, so a shift leaves it alone.
        Assert.Equal(data.Loss(new LossConfig { Kind = LossKind.Ce }), data.Loss(new LossConfig { Kind = LossKind.Ce, AnchorShift = shift }), 12);
    }

    [Fact]
    public void AnchorsRaiseTheLossOnlyThroughTheirFrames()
    {
        var data = Case(3) with { Anchors = [[4.0], [], [-100.0]] };
        var sal = data.Loss(new LossConfig { Kind = LossKind.Sal });
        var ce = data.Loss(new LossConfig { Kind = LossKind.Ce });
        Assert.True(sal > ce, $"sal {sal} should exceed ce {ce} when an anchor lies inside a sequence");
    }

    [Theory]
    [InlineData(LossKind.Ce, LossReduction.Mean, 1)]
    [InlineData(LossKind.Sal, LossReduction.Mean, 1)]
    [InlineData(LossKind.Sal, LossReduction.WeightSum, 3)]
    [InlineData(LossKind.SaPlusFl, LossReduction.Mean, 3)]
    [InlineData(LossKind.Safl, LossReduction.WeightSum, 1)]
    [InlineData(LossKind.Focal, LossReduction.Mean, 3)]
    public void BatchOfTwoCombinesTheSequencesPerReduction(LossKind kind, LossReduction reduction, int classes)
    {
        var data = LossCase.Random(new Random(23), batch: 2, frames: 8, classes: classes);
        data.Lengths[0] = 8;
        data.Lengths[1] = 5;
        data.Anchors[0] = [3.5];
        data.Anchors[1] = [1.0, 9.0];
        var config = new LossConfig { Kind = kind, Reduction = reduction, ClassWeights = classes == 3 ? [0.5, 1.5, 2] : null };
        var first = data.Sequence(0);
        var second = data.Sequence(1);
        // Each sequence's share of the normaliser: its valid frames (mean) or the sum of its constant frame weights
        // alpha_y (1 + lambda s) (weight-sum), which are sal's frame weights for sal and sa+fl and ce's otherwise.
        var constantKind = kind is LossKind.Sal or LossKind.SaPlusFl ? LossKind.Sal : LossKind.Ce;
        double Share(LossCase one) => reduction == LossReduction.Mean
            ? one.Lengths[0]
            : Sum(one.FrameWeights(config with { Kind = constantKind }));
        var expected = (Share(first) * first.Loss(config) + Share(second) * second.Loss(config)) / (Share(first) + Share(second));
        Assert.Equal(expected, data.Loss(config), 12);
    }

    [Fact]
    public void MaxPoolBatchIsTheMeanOfItsSequences()
    {
        var data = LossCase.Random(new Random(29), batch: 2, frames: 7, classes: 3);
        data.Lengths[0] = 7;
        data.Lengths[1] = 3;
        var config = new LossConfig { Kind = LossKind.MaxPool };
        var expected = (data.Sequence(0).Loss(config) + data.Sequence(1).Loss(config)) / 2;
        Assert.Equal(expected, data.Loss(config), 12);
    }

    [Fact]
    public void EmptyBatchGivesZeroLoss()
    {
        var data = Case(2);
        Array.Fill(data.Lengths, 0L);
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            var (loss, gradient) = data.LossAndGradient(new LossConfig { Kind = kind });
            Assert.Equal(0.0, loss);
            Assert.All(gradient, g => Assert.Equal(0.0, g));
        }
    }

    [Theory]
    [InlineData(1, ScalarType.Float32)]
    [InlineData(1, ScalarType.Float64)]
    [InlineData(3, ScalarType.Float32)]
    public void AnEmptyFrameAxisGivesZeroLossForEveryKind(int classes, ScalarType dtype)
    {
        // T = 0 (a batch of zero-length windows): maxpool has no frame to take a maximum over and used to throw.
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            using var scope = torch.NewDisposeScope();
            var logits = torch.zeros([2, 0, classes], dtype).requires_grad_(true);
            var targets = torch.zeros([2, 0], ScalarType.Int64);
            var lengths = torch.zeros([2], ScalarType.Int64);
            var loss = LossFactory.Create(new LossConfig { Kind = kind });
            var value = loss.Forward(logits, targets, lengths, [[], []]);
            Assert.Equal(0.0, value.to_type(ScalarType.Float64).item<double>());
            value.backward();
            Assert.Equal([2L, 0L, (long)classes], logits.grad!.shape);
            Assert.Equal([2L, 0L], loss.FrameWeights(logits, targets, lengths, [[], []]).shape);
        }
    }

    private static double Sum(double[,] values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum;
    }
}
