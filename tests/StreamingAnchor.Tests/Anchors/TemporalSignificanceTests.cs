using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using StreamingAnchor.Anchors;
using StreamingAnchor.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Anchors;

public class TemporalSignificanceTests
{
    private static readonly KernelShape[] Shapes = [KernelShape.Exponential, KernelShape.Gaussian, KernelShape.Triangular, KernelShape.Box];

    [Theory]
    [InlineData(KernelShape.Exponential)]
    [InlineData(KernelShape.Gaussian)]
    [InlineData(KernelShape.Triangular)]
    [InlineData(KernelShape.Box)]
    public void PeaksAtTheAnchorAndDecaysMonotonically(KernelShape shape)
    {
        var kernel = new SignificanceKernel(shape, SpreadBefore: 6, SpreadAfter: 3);
        var s = TemporalSignificance.Compute(kernel, [[20.0]], 40);
        Assert.Equal(1.0, s[20]);
        for (var t = 21; t < 40; t++)
        {
            Assert.True(s[t] <= s[t - 1], $"{shape}: s[{t}] = {s[t]} rises after the anchor");
        }
        for (var t = 19; t >= 0; t--)
        {
            Assert.True(s[t] <= s[t + 1], $"{shape}: s[{t}] = {s[t]} rises before the anchor");
        }
        Assert.True(s[19] > 0 && s[21] > 0);
        if (shape is KernelShape.Exponential or KernelShape.Gaussian)
        {
            Assert.True(s[25] < s[24] && s[10] < s[11], "smooth kernels decay strictly");
        }
        // The wider side decays more slowly.
        Assert.True(s[16] > s[24], $"{shape}: before-spread 6 should hold more weight than after-spread 3");
    }

    [Theory]
    [InlineData(KernelShape.Exponential)]
    [InlineData(KernelShape.Gaussian)]
    [InlineData(KernelShape.Triangular)]
    [InlineData(KernelShape.Box)]
    public void OneSidedKernelsAreZeroOnTheOtherSide(KernelShape shape)
    {
        var causal = TemporalSignificance.Compute(new SignificanceKernel(shape, 4, 0), [[10.5]], 20);
        var anticausal = TemporalSignificance.Compute(new SignificanceKernel(shape, 0, 4), [[10.5]], 20);
        for (var t = 11; t < 20; t++)
        {
            Assert.Equal(0.0, causal[t]);
        }
        for (var t = 0; t <= 10; t++)
        {
            Assert.Equal(0.0, anticausal[t]);
        }
        Assert.True(causal[10] > 0 && anticausal[11] > 0);
    }

    [Fact]
    public void SeveralAnchorsTakeTheLargestAndNoAnchorGivesZero()
    {
        var kernel = SignificanceKernel.Symmetric(KernelShape.Exponential, 4);
        var s = TemporalSignificance.Compute(kernel, [[5.0, 14.0], []], 20);
        for (var t = 0; t < 20; t++)
        {
            Assert.Equal(Math.Max(kernel.Value(t - 5.0), kernel.Value(t - 14.0)), s[t], 15);
            Assert.Equal(0.0, s[20 + t]);
        }
    }

    [Fact]
    public void AnchorsOutsideTheWindowStillCount()
    {
        var kernel = SignificanceKernel.Symmetric(KernelShape.Exponential, 8);
        var s = TemporalSignificance.Compute(kernel, [[-5.0], [26.5]], 20);
        Assert.Equal(Math.Exp(-5.0 / 8), s[0], 15);
        Assert.Equal(Math.Exp(-7.5 / 8), s[20 + 19], 15);
    }

    [Fact]
    public void NonFiniteAnchorsAreRejected()
    {
        var kernel = SignificanceKernel.Symmetric(KernelShape.Exponential, 8);
        var error = Assert.Throws<ArgumentException>(() => TemporalSignificance.Compute(kernel, [[1.0], [double.NaN]], 5));
        Assert.Contains("sequence 1", error.Message);
    }

    [Fact]
    public void TensorMatchesThePlane()
    {
        var kernel = new SignificanceKernel(KernelShape.Gaussian, 3, 5, MaxDistance: 7);
        double[][] anchors = [[2.5], [9.0, -1.0]];
        var plane = TemporalSignificance.Compute(kernel, anchors, 12);
        using var tensor = SignificanceTensor.Compute(kernel, anchors, 12, ScalarType.Float64);
        Assert.Equal(new long[] { 2, 12 }, tensor.shape);
        Assert.Equal(plane, tensor.data<double>().ToArray());
    }

    /// <summary>The plane equals the brute-force maximum of the kernel over all anchors at every frame.</summary>
    [Property(MaxTest = 50)]
    public Property PlaneEqualsBruteForceMaximum(PositiveInt framesSeed, NonNegativeInt shapeSeed, NormalFloat[] anchorSeeds,
        NonNegativeInt before, NonNegativeInt after, bool clip)
    {
        var frames = 1 + framesSeed.Get % 40;
        var kernel = new SignificanceKernel(Shapes[shapeSeed.Get % 4], before.Get % 12 * 0.75, after.Get % 12 * 0.75,
            clip ? 1 + before.Get % 9 : null);
        var anchors = anchorSeeds.Take(4).Select(a => Math.Clamp(a.Get, -1e6, 1e6) % (2.0 * frames)).ToArray();
        var s = TemporalSignificance.Compute(kernel, [anchors], frames);
        var ok = true;
        for (var t = 0; t < frames; t++)
        {
            var expected = anchors.Length == 0 ? 0.0 : anchors.Max(a => kernel.Value(t - a));
            ok &= Math.Abs(expected - s[t]) <= 1e-13 && s[t] is >= 0 and <= 1;
        }
        return ok.Label($"kernel {kernel}, anchors [{string.Join(",", anchors)}], frames {frames}");
    }
}
