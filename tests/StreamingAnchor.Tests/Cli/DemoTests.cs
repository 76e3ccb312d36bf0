using StreamingAnchor.Cli.Commands;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Tests.Synthesis;

namespace StreamingAnchor.Tests.Cli;

/// <summary>`sal demo` end to end at a tiny size: its two trainings are the TCN after the running mean, the table names both, and other settings on its folder need --force.</summary>
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
        string[] Demo(string clips) =>
            ["demo", "--out", root, "--clips", clips, "--clip-seconds", "4", "--epochs", "1", "--sources", "none", "--shipped", "none", "--threads", "1"];
        var (code, stdout, stderr) = SalProcess.Run(900, Demo("30"));
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

        // Other settings on the same folder (an older demo's, say) are refused with the flag that discards them, which
        // the demo has.
        var other = Demo("32");
        var refused = SalProcess.Run(900, other);
        Assert.Equal(1, refused.ExitCode);
        var error = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("clips 30 -> 32", error);
        Assert.Contains("--force", error);
        var forced = SalProcess.Run(900, [.. other, "--force"]);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Contains("32 streams", File.ReadAllText(Path.Combine(root, "report.md")));
    }
}
