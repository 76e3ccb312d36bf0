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

    [SkippableFact]
    public void MklRunsThePinnedCodeBranch()
    {
        // A user's own MKL_CBWR wins over the pin; then there is nothing of ours to check.
        Skip.If(Environment.GetEnvironmentVariable("MKL_CBWR") != TorchRuntime.MklCodeBranch, "MKL_CBWR was set outside the test host");
        var branch = TorchRuntime.MklBranchInEffect();
        Skip.If(branch is null, "this libtorch build exports no MKL service functions");
        Assert.Equal(TorchRuntime.MklCbwrAvx2, branch);
        Assert.Contains("MKL branch 10", TorchRuntime.Describe());
    }
}
