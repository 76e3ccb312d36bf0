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
        var vendor = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal))?.Split(':')[1].Trim()
            : null;
        if (vendor == "GenuineIntel")
        {
            Assert.Equal(TorchRuntime.MklCbwrAvx2, branch);
            Assert.Contains("MKL branch 10,", TorchRuntime.Describe());
        }
        else
        {
            // MKL may ignore the pin off Intel (an AMD EPYC runs its own choice); then the runtime has to say so.
            Assert.True(branch is TorchRuntime.MklCbwrAvx2 or TorchRuntime.MklCbwrAuto, $"MKL reports branch {branch} on a {vendor} CPU");
            Assert.Contains(branch == TorchRuntime.MklCbwrAuto ? "does not honour MKL_CBWR=AVX2" : "MKL branch 10,", TorchRuntime.Describe());
        }
    }

    [Fact]
    public void AnIgnoredPinIsNamedOnlyWhenThePinWasAskedFor()
    {
        Assert.Equal("unknown", TorchRuntime.MklBranchText(null));
        Assert.Equal("10", TorchRuntime.MklBranchText(TorchRuntime.MklCbwrAvx2));
        Assert.Equal("3", TorchRuntime.MklBranchText(3));
        var asked = Environment.GetEnvironmentVariable("MKL_CBWR") == TorchRuntime.MklCodeBranch;
        Assert.Equal(asked, TorchRuntime.MklBranchText(TorchRuntime.MklCbwrAuto).Contains("does not honour MKL_CBWR=AVX2", StringComparison.Ordinal));
    }
}
