using StreamingAnchor.Cli.Commands;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Tests.Synthesis;

namespace StreamingAnchor.Tests.Cli;

/// <summary>`sal demo` end to end at a tiny size: its two trainings are the TCN after the running mean, and the table names both.</summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class DemoTests
{
    [SkippableFact]
    [Trait("Category", "E2E")]
    public void TheDemoTrainsTheTcnAfterTheRunningMeanWithBothLosses()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh)");
        using var dir = new ScratchDir();
        var root = dir.File("demo");
        var (code, stdout, stderr) = SalProcess.Run(900,
            ["demo", "--out", root, "--clips", "30", "--clip-seconds", "4", "--epochs", "1", "--sources", "none", "--shipped", "none", "--threads", "1"]);
        Assert.True(code == 0, stderr);

        foreach (var name in new[] { "ce", "sal" })
        {
            var model = new RunDirectory(Path.Combine(root, name)).ReadModelSpec().Model;
            Assert.Equal(ModelFamily.Tcn, model.Family);
            Assert.Equal(ModelSize.Small, model.Preset);
            Assert.Equal(DemoCommand.DefaultRunningMean, model.RunningMeanFrames);
            Assert.Contains($"| {name} | ", stdout);
        }
        Assert.Contains($"training tcn/small after a running mean of {DemoCommand.DefaultRunningMean} frames with ce", stderr);
        var report = File.ReadAllText(Path.Combine(root, "report.md"));
        Assert.Contains($"Model: tcn/small after a running mean of {DemoCommand.DefaultRunningMean} frames;", report);
        Assert.Contains("(70% train, 10% dev, 20% test)", report);
    }
}
