using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Models;

/// <summary>The float32 kernels the layers use agree with float64 on this CPU (oneDNN's did not on AVX-512 EPYC).</summary>
[Collection(LibTorchRngCollection.Name)]
public class NativeKernelTests
{
    private static double MaxDiff(Tensor a, Tensor b)
    {
        using var d = (a.to(ScalarType.Float64) - b).abs().max();
        return d.item<double>();
    }

    [Theory]
    [InlineData(40, 32, 5, 1)]
    [InlineData(110, 110, 3, 2)]
    [InlineData(64, 64, 3, 1)]
    public void BatchedConvMatchesFloat64(int inputDim, int outputDim, int kernel, int dilation)
    {
        using var layer = new CausalConvLayer(inputDim, outputDim, kernel, dilation, 1, relu: false);
        Assert.True(TorchRuntime.OneDnnDisabled);
        using var noGrad = torch.no_grad();
        using var x = StreamingHarness.Features(2, 40, inputDim);
        using var y = layer.call(x);
        using var padded = nn.functional.pad(x.transpose(1, 2).to(ScalarType.Float64), [layer.Context, 0]);
        using var w = layer.Weight.to(ScalarType.Float64);
        using var bias = layer.Bias.to(ScalarType.Float64);
        using var reference = nn.functional.conv1d(padded, w, bias, dilation: dilation).transpose(1, 2);
        Assert.True(MaxDiff(y, reference) < 1e-5, $"max |float32 - float64| = {MaxDiff(y, reference)}");
    }

    [Fact]
    public void LstmMatchesAFloat64Recurrence()
    {
        torch.manual_seed(7);
        using var layer = new LstmLayer(40, 68);
        using var noGrad = torch.no_grad();
        using var x = StreamingHarness.Features(2, 30, 40);
        using var y = layer.call(x);
        using var scope = NewDisposeScope();
        var wi = layer.WeightIh.to(ScalarType.Float64);
        var wh = layer.WeightHh.to(ScalarType.Float64);
        var b = (layer.BiasIh + layer.BiasHh).to(ScalarType.Float64);
        var h = torch.zeros([2, 68], dtype: ScalarType.Float64);
        var c = torch.zeros([2, 68], dtype: ScalarType.Float64);
        var rows = new List<Tensor>();
        for (var t = 0; t < 30; t++)
        {
            var g = x.select(1, t).to(ScalarType.Float64).matmul(wi.t()) + h.matmul(wh.t()) + b;
            var gates = g.chunk(4, 1); // PyTorch order i, f, g, o
            c = torch.sigmoid(gates[1]) * c + torch.sigmoid(gates[0]) * torch.tanh(gates[2]);
            h = torch.sigmoid(gates[3]) * torch.tanh(c);
            rows.Add(h.unsqueeze(1));
        }

        var reference = torch.cat(rows, 1);
        Assert.True(MaxDiff(y, reference) < 1e-5, $"max |float32 - float64| = {MaxDiff(y, reference)}");
    }

    [Fact]
    public void StepReadsAChunkThatIsAnOffsetViewOfALongerTensor()
    {
        // Depthwise with kernel 1 has no state, so Step strides over the chunk itself; a narrow of a [1,T,C]
        // tensor is contiguous but starts at a nonzero storage offset.
        torch.manual_seed(3);
        using var layer = new CausalConvLayer(8, 8, 1, 1, 8, relu: false);
        using var noGrad = torch.no_grad();
        using var x = StreamingHarness.Features(1, 6, 8);
        using var offline = layer.call(x);
        for (var t = 0; t < 6; t++)
        {
            using var chunk = x.narrow(1, t, 1);
            var (y, state) = layer.Step(chunk, []);
            using (y)
            using (var expected = offline.narrow(1, t, 1))
            {
                Assert.True(StreamingHarness.MaxAbsDiff(expected, y) < 1e-6, $"frame {t}");
            }

            Assert.Empty(state);
        }
    }
}
