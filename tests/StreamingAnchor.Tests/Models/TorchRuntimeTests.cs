using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Models;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchSharpNativeBackendLoadsAndComputes()
    {
        var description = TorchRuntime.Describe();
        Assert.Contains("= 14", description);
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = torch.nn.functional.softmax(a, 0);
        Assert.Equal(1.0f, b.sum().item<float>(), 5);
    }
}
