using StreamingAnchor.Cluster;

namespace StreamingAnchor.Tests.Cluster;

public sealed class SbatchScriptTests
{
    [Fact]
    public void TheJobScriptOfAGridIsExactlyThis()
    {
        var resources = new SlurmResources
        {
            CpusPerTask = 2,
            Memory = "4G",
            Time = "02:00:00",
            Partition = "cpu",
            ExtraLines = ["--qos=long", "#SBATCH --account=speech"],
        };
        var command = new[] { "/usr/bin/dotnet", "/opt/sal/sal.dll", "experiment", "cell", "/shared/grids/my grid", "--threads", "2" };
        var script = SbatchScript.Render(resources, "sal-my_grid", "/shared/grids/my grid/slurm/logs", command);
        Assert.Equal(
            """
            #!/bin/bash
            #SBATCH --job-name=sal-my_grid
            #SBATCH --cpus-per-task=2
            #SBATCH --ntasks=1
            #SBATCH --mem=4G
            #SBATCH --time=02:00:00
            #SBATCH --partition=cpu
            #SBATCH --output=/shared/grids/my grid/slurm/logs/cell-%a.job-%A.out
            #SBATCH --qos=long
            #SBATCH --account=speech
            # Written by sal experiment --submit slurm: array task N runs cell N of the grid.
            set -euo pipefail
            export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
            exec /usr/bin/dotnet /opt/sal/sal.dll experiment cell '/shared/grids/my grid' --threads 2 "$SLURM_ARRAY_TASK_ID"

            """.ReplaceLineEndings("\n"), script);
    }

    [Fact]
    public void DefaultsLeaveMemoryTimeAndPartitionToTheCluster()
    {
        var script = SbatchScript.Render(new SlurmResources(), "sal-g", "/g/slurm/logs", ["/opt/sal/sal", "experiment", "cell", "/g", "--threads", "1"]);
        Assert.DoesNotContain("--mem", script);
        Assert.DoesNotContain("--time", script);
        Assert.DoesNotContain("--partition", script);
        Assert.Contains("#SBATCH --cpus-per-task=1\n", script);
        Assert.EndsWith("exec /opt/sal/sal experiment cell /g --threads 1 \"$SLURM_ARRAY_TASK_ID\"\n", script);
    }

    [Theory]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("/x/y-1.2_z", "/x/y-1.2_z")]
    public void ShellWordsReadBackAsGiven(string word, string quoted) => Assert.Equal(quoted, Shell.Quote(word));

    [Theory]
    [InlineData(0, null, null, null, "--cpus-per-task must be at least 1, got 0")]
    [InlineData(1, "4 GB", null, null, "--mem '4 GB' is not an sbatch memory size (e.g. 4G, 800M)")]
    [InlineData(1, null, "2h", null, "--time '2h' is not an sbatch time limit (e.g. 90, 02:00:00, 1-12:00:00)")]
    [InlineData(1, null, null, "a;b", "--partition 'a;b' is not a partition name")]
    public void BadResourcesAreUsageErrorsNamingTheFlag(int cpus, string? mem, string? time, string? partition, string message)
    {
        var resources = new SlurmResources { CpusPerTask = cpus, Memory = mem, Time = time, Partition = partition };
        Assert.Equal(message, Assert.Throws<ArgumentException>(resources.Validate).Message);
    }

    [Fact]
    public void AnExtraLineCannotSmuggleAShellCommand()
    {
        Assert.Throws<ArgumentException>(() => new SlurmResources { ExtraLines = ["--qos=long\nrm -rf /"] }.Validate());
        var ex = Assert.Throws<ArgumentException>(() => new SlurmResources { ExtraLines = ["rm -rf /"] }.Validate());
        Assert.Equal("--sbatch-line 'rm -rf /' is not an sbatch option (expected e.g. --qos=long or '#SBATCH --qos=long')", ex.Message);
        foreach (var time in new[] { "90", "02:00:00", "1-12:00:00", "1-0" })
        {
            new SlurmResources { Time = time }.Validate();
        }
    }
}
