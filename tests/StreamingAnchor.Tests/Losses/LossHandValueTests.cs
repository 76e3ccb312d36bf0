using StreamingAnchor.Losses;

namespace StreamingAnchor.Tests.Losses;

/// <summary>
/// Every loss on a tiny sequence against values worked out by hand from the formulas in docs/losses.md
/// (the arithmetic was done once in double precision; the expressions are spelled out next to each case).
/// </summary>
public class LossHandValueTests
{
    // Binary (C = 1): z = [2, -1, 0.5, 3 | 7], y = [0, 1, 1, 0 | 1], length 4 (frame 4 is padding),
    // one anchor at frame 2, exp kernel tau = 2: s_t = exp(-|t-2|/2); lambda = 4, gamma = 2.
    // p_t = sigmoid(z) for y = 1, 1 - sigmoid(z) for y = 0; l_t = -ln p_t; every loss divides by 4 valid frames.
    private static LossCase Binary() => new(
        new double[,,] { { { 2 }, { -1 }, { 0.5 }, { 3 }, { 7 } } },
        new long[,] { { 0, 1, 1, 0, 1 } },
        [4],
        [[2.0]]);

    private static LossConfig BinaryConfig(LossKind kind) =>
        new() { Kind = kind, Kernel = KernelShape.Exponential, Tau = 2, Lambda = 4, Gamma = 2 };

    [Theory]
    [InlineData(LossKind.Ce, 1.7407135085787613)]        // sum l_t / 4
    [InlineData(LossKind.Focal, 1.2964501035938905)]     // sum (1-p_t)^2 l_t / 4
    [InlineData(LossKind.Sal, 5.642838756120611)]        // sum (1 + 4 s_t) l_t / 4
    [InlineData(LossKind.SaPlusFl, 4.074591978590835)]      // sum (1 + 4 s_t) (1-p_t)^2 l_t / 4
    [InlineData(LossKind.Safl, 1.444261444086823)]       // sum (1-p_t)^(2 s_t) l_t / 4
    public void BinaryLossesMatchHandValues(LossKind kind, double expected)
    {
        Assert.Equal(expected, Binary().Loss(BinaryConfig(kind)), 12);
    }

    [Fact]
    public void SaflWithAnchorWeightMatchesHandValue()
    {
        // sum (1 + 4 s_t) (1-p_t)^(2 s_t) l_t / 4
        var config = BinaryConfig(LossKind.Safl) with { SaflAnchorWeight = true };
        Assert.Equal(4.512468219947082, Binary().Loss(config), 12);
    }

    [Fact]
    public void SalWeightSumReductionMatchesHandValue()
    {
        // sum (1 + 4 s_t) l_t / sum (1 + 4 s_t)
        var config = BinaryConfig(LossKind.Sal) with { Reduction = LossReduction.WeightSum };
        Assert.Equal(1.575797851283169, Binary().Loss(config), 12);
    }

    [Fact]
    public void BinaryMaxPoolMatchesHandValues()
    {
        // Positive sequence (frames 1, 2 labelled 1): -ln max(sigmoid(-1), sigmoid(0.5)).
        Assert.Equal(0.47407698418010663, Binary().Loss(new LossConfig { Kind = LossKind.MaxPool }), 12);
        // Region = whole sequence: -ln max_t sigmoid(z_t) over the 4 valid frames = -ln sigmoid(3).
        Assert.Equal(0.04858735157374191, Binary().Loss(new LossConfig { Kind = LossKind.MaxPool, MaxPoolRegion = MaxPoolRegion.Sequence }), 12);
        // Negative sequence: -ln(1 - sigmoid(3)); the padding frame's z = 7 must not count.
        var negative = Binary() with { Targets = new long[,] { { 0, 0, 0, 0, 1 } } };
        Assert.Equal(3.048587351573745, negative.Loss(new LossConfig { Kind = LossKind.MaxPool }), 12);
    }

    // Softmax (C = 3): rows z_0 = [1, 2, 0.5], z_1 = [0, -1, 3], z_2 = [2, 2, -2], z_3 padding; y = [1, 2, 0];
    // anchor at 0.5, gaussian sigma = 1: s_t = exp(-(t-0.5)^2 / 2); lambda = 2, gamma = 1.5; 3 valid frames.
    private static LossCase Softmax(long[]? targets = null)
    {
        var y = targets ?? [1, 2, 0, 0];
        return new LossCase(
            new double[,,] { { { 1, 2, 0.5 }, { 0, -1, 3 }, { 2, 2, -2 }, { 0.3, 0.1, -0.4 } } },
            new long[,] { { y[0], y[1], y[2], y[3] } },
            [3],
            [[0.5]]);
    }

    private static LossConfig SoftmaxConfig(LossKind kind) =>
        new() { Kind = kind, Kernel = KernelShape.Gaussian, Tau = 1, Lambda = 2, Gamma = 1.5 };

    [Theory]
    [InlineData(LossKind.Ce, 0.41083866976815636)]
    [InlineData(LossKind.Focal, 0.11929008850736784)]
    [InlineData(LossKind.Sal, 0.8747972528807036)]
    [InlineData(LossKind.SaPlusFl, 0.23623937820490704)]
    [InlineData(LossKind.Safl, 0.21006457336307993)]
    public void SoftmaxLossesMatchHandValues(LossKind kind, double expected)
    {
        Assert.Equal(expected, Softmax().Loss(SoftmaxConfig(kind)), 12);
    }

    [Fact]
    public void ClassWeightsMatchHandValues()
    {
        // alpha = [0.5, 2, 1]: mean = sum alpha_y (1 + 2 s_t) l_t / 3; weight-sum divides by sum alpha_y (1 + 2 s_t).
        var config = SoftmaxConfig(LossKind.Sal) with { ClassWeights = [0.5, 2, 1] };
        Assert.Equal(1.1097484630848362, Softmax().Loss(config), 12);
        Assert.Equal(0.365063491804154, Softmax().Loss(config with { Reduction = LossReduction.WeightSum }), 12);
    }

    [Fact]
    public void SoftmaxMaxPoolMatchesHandValues()
    {
        // y = [1, 2, 0]: class 1 pays -ln p_0(1), class 2 pays -ln p_1(2).
        Assert.Equal(0.5302526878653739, Softmax().Loss(new LossConfig { Kind = LossKind.MaxPool }), 12);
        // y = [1, 1, 0]: class 1 pays -ln max(p_0(1), p_1(1)); class 2 is absent: -ln(1 - max_t p_t(2)).
        Assert.Equal(3.216991000347152, Softmax([1, 1, 0, 0]).Loss(new LossConfig { Kind = LossKind.MaxPool }), 12);
    }
}
