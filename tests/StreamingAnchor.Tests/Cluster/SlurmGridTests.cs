using System.Diagnostics;
using System.Text.RegularExpressions;
using StreamingAnchor.Evaluation.Experiments;
using StreamingAnchor.Tests.Experiments;

namespace StreamingAnchor.Tests.Cluster;

/// <summary>A grid run as a job array on a real (private, single-node) Slurm ends with the local runner's results.</summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class SlurmGridTests(TinyKwsCorpus corpus) : IClassFixture<TinyKwsCorpus>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void AGridSubmittedToSlurmEqualsTheLocalRunAndResubmitsOnlyWhatIsMissing()
    {
        Skip.If(corpus.Manifest is null, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var config = corpus.TinyGrid();
        var local = ExperimentRunner.Run(config, corpus.NewFolder("local"));

        using var slurm = LocalSlurm.Start(corpus.NewFolder("slurm-daemons"));
        Skip.If(slurm.Problem is not null, slurm.Problem);
        var grid = corpus.NewFolder("slurm-grid");
        var (code, stdout, stderr) = slurm.Sal("experiment", "--task", "kws", "--data", corpus.Manifest!, "--models", "gru", "--losses", "ce,sal",
            "--seeds", "2", "--budget", "epochs=2", "--batch-size", "4", "--submit", "slurm", "--mem", "1G", "--time", "00:10:00", "--out", grid);
        Assert.True(code == 0, stderr);
        Assert.Contains("submitted job array", stdout);
        Assert.Contains("with 4 cell(s) [0-3]", stdout);
        WaitUntilSettled(slurm, grid, done: 4);

        (code, _, stderr) = slurm.Sal("experiment", "report", grid);
        Assert.True(code == 0, stderr);
        var remote = ExperimentResults.Load(Path.Combine(grid, ExperimentResults.FileName));
        AssertSameCells(local, remote);

        // A lost result is resubmitted alone, under the recorded resources, and comes back the same.
        var lost = Path.Combine(grid, ExperimentRunner.CellsFolder, "gru-sal-s1", ExperimentRunner.CellResultFile);
        File.Delete(lost);
        (code, stdout, _) = slurm.Sal("experiment", "status", grid);
        Assert.Equal(0, code);
        Assert.Matches(@"\n\s+2\s+gru-sal-s1\s+failed\s+\d+_2\s+left the queue without a result", stdout);
        (code, stdout, stderr) = slurm.Sal("experiment", "--task", "kws", "--data", corpus.Manifest!, "--models", "gru", "--losses", "ce,sal",
            "--seeds", "2", "--budget", "epochs=2", "--batch-size", "4", "--submit", "slurm", "--out", grid);
        Assert.True(code == 0, stderr);
        Assert.Contains("with 1 cell(s) [2]", stdout);
        Assert.Contains("#SBATCH --mem=1G\n", File.ReadAllText(Path.Combine(grid, SlurmGrid.Folder, SlurmGrid.ScriptFile)));
        WaitUntilSettled(slurm, grid, done: 4);
        Assert.Equal(remote.Cells[2] with { EvalSeconds = 0, NearMissesByKind = NoKinds }, ExperimentRunner.LoadCell(lost) with { EvalSeconds = 0, NearMissesByKind = NoKinds });

        (code, stdout, stderr) = slurm.Sal("experiment", "--task", "kws", "--data", corpus.Manifest!, "--models", "gru", "--losses", "ce,sal",
            "--seeds", "2", "--budget", "epochs=2", "--batch-size", "4", "--submit", "slurm", "--out", grid);
        Assert.True(code == 0, stderr);
        Assert.Contains("nothing to submit", stdout);

        // Another grid in the same folder is refused before anything is submitted.
        (code, _, stderr) = slurm.Sal("experiment", "--task", "kws", "--data", corpus.Manifest!, "--models", "gru", "--losses", "ce,focal",
            "--submit", "slurm", "--out", grid);
        Assert.Equal(1, code);
        Assert.Contains("holds a grid with other settings", stderr);
    }

    /// <summary>A cell without its timings and its by-kind list (a list compares by reference inside a record).</summary>
    private static CellResult Comparable(CellResult c) => c with { TrainSeconds = 0, EvalSeconds = 0, NearMissesByKind = NoKinds };

    private static readonly global::StreamingAnchor.Evaluation.NearMissTally[] NoKinds = [];

    /// <summary>Everything a cell measured is the same; only the wall-clock timings differ between runs.</summary>
    private static void AssertSameCells(ExperimentResults expected, ExperimentResults actual)
    {
        Assert.Equal(expected.PlannedCells, actual.PlannedCells);
        Assert.Equal(expected.Cells.Select(Comparable), actual.Cells.Select(Comparable));
        Assert.Equal(expected.Cells.Select(c => c.NearMissesByKind), actual.Cells.Select(c => c.NearMissesByKind));
        Assert.Equal(expected.Rows, actual.Rows, (a, b) => a.ToString() == b.ToString());
        Assert.Equal(expected.Data, actual.Data);
    }

    /// <summary>Polls `sal experiment status` until nothing is pending or running; the grid must then have <paramref name="done"/> cells done.</summary>
    private static void WaitUntilSettled(LocalSlurm slurm, string grid, int done)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < Patience)
        {
            var (code, stdout, stderr) = slurm.Sal("experiment", "status", grid);
            Assert.True(code == 0, stderr);
            last = stdout;
            var m = Regex.Match(stdout, @"(\d+) done, (\d+) running, (\d+) pending, (\d+) failed");
            Assert.True(m.Success, stdout);
            if (m.Groups[2].Value == "0" && m.Groups[3].Value == "0")
            {
                Assert.True(int.Parse(m.Groups[1].Value) == done, $"the grid settled with cells not done:\n{stdout}");
                return;
            }
            Thread.Sleep(2000);
        }
        Assert.Fail($"the grid did not finish within {Patience.TotalMinutes} min; last status:\n{last}");
    }
}
