using StreamingAnchor.Cluster;
using StreamingAnchor.Evaluation.Experiments;

namespace StreamingAnchor.Tests.Cluster;

/// <summary>How `sal experiment status` and resubmission read a grid's cells from the folder, squeue and sacct.</summary>
public sealed class GridStatusTests
{
    private static readonly IReadOnlyList<ExperimentCell> Cells =
        new ExperimentConfig { Models = [ModelFamily.Gru], Losses = [LossKind.Ce, LossKind.Sal, LossKind.Focal], Seeds = 2 }.Cells();

    [Fact]
    public void EachCellIsDoneQueuedRunningFailedOrNeverSubmitted()
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("log-7-3"), "[4/6] gru-sal-s2: epoch 1/2\nerror: /data/m.jsonl: manifest not found\n");
        // Cells 0-4 went out in job 7; cell 2 was resubmitted as job 9. Cell 5 was never submitted.
        var submissions = new[]
        {
            new GridSubmission(7, [0, 1, 2, 3, 4], DateTimeOffset.UnixEpoch),
            new GridSubmission(9, [2], DateTimeOffset.UnixEpoch),
        };
        var queue = SlurmOutput.ParseSqueue("7_1|RUNNING\n9_2|PENDING\n7_2|RUNNING\n");
        var accounting = SlurmOutput.ParseSacct("7_3|FAILED|1:0\n7_3.batch|FAILED|1:0\n");
        var status = GridStatus.Of(Cells, i => i == 0, submissions, queue, accounting, (job, cell) => dir.File($"log-{job}-{cell}"), null);

        Assert.Equal(
            [CellState.Done, CellState.Running, CellState.Pending, CellState.Failed, CellState.Failed, CellState.Missing],
            status.Cells.Select(c => c.State));
        // The latest submission of a cell decides: job 7's task for cell 2 is an old copy.
        Assert.Equal("9_2", status.Cells[2].Task);
        Assert.Equal($"FAILED, exit 1:0; {dir.File("log-7-3")}: error: /data/m.jsonl: manifest not found", status.Cells[3].Detail);
        Assert.Equal($"left the queue without a result; no log at {dir.File("log-7-4")}", status.Cells[4].Detail);
        Assert.Null(status.Cells[5].Task);
        Assert.Equal([3, 4, 5], status.ToSubmit);
        Assert.Equal(1, status.Count(CellState.Done));
    }

    [Fact]
    public void AResultFileWinsOverWhatSlurmStillSays()
    {
        var submissions = new[] { new GridSubmission(3, [0, 1, 2, 3, 4, 5], DateTimeOffset.UnixEpoch) };
        // A task that wrote its result is done even while squeue still lists it as completing.
        var queue = SlurmOutput.ParseSqueue("3_[0-5]|COMPLETING\n");
        var status = GridStatus.Of(Cells, _ => true, submissions, queue, null, (_, _) => "/nonexistent", null);
        Assert.All(status.Cells, c => Assert.Equal(CellState.Done, c.State));
        Assert.Empty(status.ToSubmit);
    }

    [Fact]
    public void AnUnreadableListOfSubmissionsNamesTheFieldAndWhatWasExpected()
    {
        using var dir = new ScratchDir();
        var path = Path.Combine(dir.Path, SlurmGrid.Folder, SlurmGrid.JobsFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "[\n  {\"jobId\": \"seven\", \"cells\": [0], \"submitted\": \"1970-01-01T00:00:00+00:00\"}\n]\n");
        var ex = Assert.Throws<FormatException>(() => SlurmGrid.LoadSubmissions(dir.Path));
        Assert.Equal($"{path}:2: field '[0].jobId' must be a whole number, got the string \"seven\"", ex.Message);
    }
}
