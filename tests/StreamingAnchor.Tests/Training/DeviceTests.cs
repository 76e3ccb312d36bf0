using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;
using TorchSharp;

namespace StreamingAnchor.Tests.Training;

/// <summary>The training device is a setting: cpu trains, an unknown name is a usage error, CUDA needs a CUDA libtorch.</summary>
public sealed class DeviceTests
{
    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("CPU ")]
    public void UnknownDevicesAreRefusedNamingTheSetting(string device)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainConfig { Data = "m.jsonl", Device = device }.Validate());
        Assert.Equal($"unknown device '{device}' (expected cpu, cuda or cuda:N)", ex.Message);
    }

    [Fact]
    public void CpuIsTheDefaultAndResolves()
    {
        Assert.Equal("cpu", new TrainConfig().Device);
        Assert.Equal(DeviceType.CPU, Trainer.ResolveDevice("cpu").type);
    }

    [SkippableFact]
    public void CudaOnACpuOnlyLibtorchIsOneClearError()
    {
        Skip.If(torch.cuda.is_available(), "this libtorch has CUDA");
        var ex = Assert.Throws<InvalidOperationException>(() => Trainer.ResolveDevice("cuda"));
        Assert.Contains("no CUDA", ex.Message);

        var (code, _, stderr) = SalProcess.Run("train", "--data", "/nonexistent/m.jsonl", "--device", "cuda:1", "--out",
            Path.Combine(Path.GetTempPath(), "sal-never"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: device cuda:1: this build's libtorch has no CUDA", Assert.Single(SalProcess.Lines(stderr)));
    }
}
