using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Models;

public class RunningMeanLayerTests
{
    /// <summary>The definition, one frame at a time in double: a = β a + α x, w = β w + α, output x - a / w.</summary>
    private static double[,,] Reference(float[] x, int batch, int frames, int dim, int timeConstant)
    {
        var alpha = 1.0 / timeConstant;
        var y = new double[batch, frames, dim];
        for (var b = 0; b < batch; b++)
        {
            var a = new double[dim];
            var w = 0.0;
            for (var t = 0; t < frames; t++)
            {
                w = ((1 - alpha) * w) + alpha;
                for (var d = 0; d < dim; d++)
                {
                    var v = x[(((b * frames) + t) * dim) + d];
                    a[d] = ((1 - alpha) * a[d]) + (alpha * v);
                    y[b, t, d] = v - (a[d] / w);
                }
            }
        }
        return y;
    }

    [Fact]
    public void OfflineIsTheFrameByFrameDefinitionAcrossBlocks()
    {
        const int batch = 2, frames = RunningMeanLayer.Block + 60, dim = 5, timeConstant = 40;
        using var layer = new RunningMeanLayer(dim, timeConstant);
        using var x = StreamingHarness.Features(batch, frames, dim) * 2 + 1;
        var data = x.contiguous().data<float>().ToArray();
        using var y = layer.call(x);
        var got = y.contiguous().data<float>().ToArray();
        var expected = Reference(data, batch, frames, dim, timeConstant);
        var worst = 0.0;
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < frames; t++)
            {
                for (var d = 0; d < dim; d++)
                {
                    worst = Math.Max(worst, Math.Abs(got[(((b * frames) + t) * dim) + d] - expected[b, t, d]));
                }
            }
        }
        Assert.True(worst < 1e-5, $"max |layer - definition| = {worst}");
        // The first frame is its own mean.
        Assert.All(got.Take(dim), v => Assert.InRange(v, -1e-5f, 1e-5f));
    }

    [Fact]
    public void AConstantOffsetPerBinLeavesTheOutputUnchangedAndAConstantStreamGivesZeros()
    {
        using var layer = new RunningMeanLayer(4, 25);
        using var x = StreamingHarness.Features(1, 120, 4);
        using var offset = tensor(new[] { 5f, -2f, 0.5f, 30f });
        using var plain = layer.call(x);
        using var shifted = layer.call(x + offset);
        var moved = StreamingHarness.MaxAbsDiff(plain, shifted);
        Assert.True(moved < 1e-4, $"max |y(x) - y(x + offset)| = {moved}");
        // Float rounding relative to the offset's size (30) is all that is left.
        using var constant = layer.call(ones(1, 50, 4) * offset);
        using var absMax = constant.abs().max();
        Assert.True(absMax.item<float>() < 3e-5, $"max |y| of a constant stream = {absMax.item<float>()}");
    }

    [Fact]
    public void ATimeConstantBelowTwoFramesIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelConfig { Family = ModelFamily.Tcn, RunningMeanFrames = 1 }, 40, 1));
        Assert.Equal("the running mean's time constant must be at least 2 frames, got 1", ex.Message);
    }
}
