using System.Text.Json;
using StreamingAnchor.Evaluation.Experiments;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Cluster;

/// <summary>The usage errors of the Slurm side of `sal experiment`, caught before anything is submitted or trained.</summary>
public sealed class ExperimentSlurmCommandTests
{
    [Fact]
    public void SlurmFlagsWithoutSlurmAndUnknownRunnersAreUsageErrors()
    {
        using var dir = new ScratchDir();
        var (code, _, stderr) = SalProcess.Run("experiment", "--data", dir.File("m.jsonl"), "--mem", "4G", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Equal("error: --mem applies to --submit slurm only", stderr.Trim());

        (code, _, stderr) = SalProcess.Run("experiment", "--data", dir.File("m.jsonl"), "--submit", "cloud", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Equal("error: --submit must be local or slurm, got 'cloud'", stderr.Trim());

        (code, _, stderr) = SalProcess.Run("experiment", "--data", dir.File("m.jsonl"), "--submit", "slurm", "--time", "2h", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Equal("error: --time '2h' is not an sbatch time limit (e.g. 90, 02:00:00, 1-12:00:00)", stderr.Trim());
    }

    [Fact]
    public void ACellOutsideTheGridOrAFolderWithoutAGridIsRefusedWithItsPath()
    {
        using var dir = new ScratchDir();
        var (code, _, stderr) = SalProcess.Run("experiment", "cell", dir.Path, "0");
        Assert.Equal(1, code);
        Assert.Equal($"error: {Path.Combine(dir.Path, ExperimentRunner.ConfigFile)}: not an experiment folder (no {ExperimentRunner.ConfigFile})", stderr.Trim());

        var config = new ExperimentConfig { Data = dir.File("m.jsonl"), Models = [ModelFamily.Gru], Losses = [LossKind.Ce, LossKind.Sal], Seeds = 2 };
        File.WriteAllText(Path.Combine(dir.Path, ExperimentRunner.ConfigFile), JsonSerializer.Serialize(config, ProjectJson.Results));
        (code, _, stderr) = SalProcess.Run("experiment", "cell", dir.Path, "4");
        Assert.Equal(2, code);
        Assert.Equal($"error: cell 4 is not in the grid of {dir.Path} (it has cells 0..3)", stderr.Trim());

        // Status works off the cluster: nothing submitted yet.
        (code, var stdout, stderr) = SalProcess.Run("experiment", "status", dir.Path);
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"{dir.Path}: 4 cells: 0 done, 0 running, 0 pending, 0 failed, 4 not submitted", stdout);
        Assert.Contains("   3  gru-sal-s2  missing", stdout);
    }
}
