using StreamingAnchor.Cluster;

namespace StreamingAnchor.Tests.Cluster;

/// <summary>Parsing what squeue and sacct print in the formats sal asks for, from real runs (Slurm 22.05).</summary>
public sealed class SlurmOutputTests
{
    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 5 }, "0-3,5")]
    [InlineData(new[] { 7 }, "7")]
    [InlineData(new[] { 4, 2, 3, 2, 9, 10 }, "2-4,9-10")]
    public void IndexListsCollapseRuns(int[] indices, string spec)
    {
        Assert.Equal(spec, SlurmArraySpec.Format(indices));
        Assert.Equal(indices.Distinct().Order(), SlurmArraySpec.Parse(spec));
    }

    [Fact]
    public void IndexListsWithStepsAndCapsParse()
    {
        Assert.Equal([1, 3, 5, 7], SlurmArraySpec.Parse("1-7:2"));
        Assert.Equal([0, 1, 2, 5], SlurmArraySpec.Parse("0-2,5%2"));
        Assert.Throws<FormatException>(() => SlurmArraySpec.Parse("3-1"));
        Assert.Throws<ArgumentException>(() => SlurmArraySpec.Format([]));
    }

    [Fact]
    public void SqueueTasksSplitOffOrStillGrouped()
    {
        // squeue --noheader --array --format=%i|%T, then without --array (pending tasks stay grouped).
        const string text = "41_0|RUNNING\n41_2|RUNNING\n41_3|PENDING\n41_[4-5,7%2]|PENDING\n42|COMPLETING\n";
        var records = SlurmOutput.ParseSqueue(text);
        Assert.Equal(
            [
                new SlurmTaskRecord(41, 0, "RUNNING"), new SlurmTaskRecord(41, 2, "RUNNING"), new SlurmTaskRecord(41, 3, "PENDING"),
                new SlurmTaskRecord(41, 4, "PENDING"), new SlurmTaskRecord(41, 5, "PENDING"), new SlurmTaskRecord(41, 7, "PENDING"),
                new SlurmTaskRecord(42, null, "COMPLETING"),
            ],
            records);
        Assert.True(records[0].IsRunning);
        Assert.True(records[2].IsQueued);
        Assert.True(records[6].IsRunning);
        Assert.Empty(SlurmOutput.ParseSqueue("\n"));
    }

    [Fact]
    public void SacctStepsAreDroppedAndStatesReducedToTheirWord()
    {
        // sacct --noheader --parsable2 --format=JobID,State,ExitCode
        const string text = """
            1234_0|COMPLETED|0:0
            1234_0.batch|COMPLETED|0:0
            1234_0.extern|COMPLETED|0:0
            1234_1|FAILED|1:0
            1234_1.batch|FAILED|1:0
            1234_1.extern|COMPLETED|0:0
            1234_2|TIMEOUT|0:0
            1234_2.batch|CANCELLED|0:15
            1234_3|OUT_OF_MEMORY|0:125
            1234_3.batch|OUT_OF_MEMORY|0:125
            1234_4|CANCELLED by 0|0:0
            1234_[5-6]|PENDING|0:0
            1234_8|RUNNING|0:0
            1234_8.0|RUNNING|0:0
            1240|NODE_FAIL|1:0
            """;
        Assert.Equal(
            [
                new SlurmTaskRecord(1234, 0, "COMPLETED", "0:0"), new SlurmTaskRecord(1234, 1, "FAILED", "1:0"),
                new SlurmTaskRecord(1234, 2, "TIMEOUT", "0:0"), new SlurmTaskRecord(1234, 3, "OUT_OF_MEMORY", "0:125"),
                new SlurmTaskRecord(1234, 4, "CANCELLED", "0:0"), new SlurmTaskRecord(1234, 5, "PENDING", "0:0"),
                new SlurmTaskRecord(1234, 6, "PENDING", "0:0"), new SlurmTaskRecord(1234, 8, "RUNNING", "0:0"),
                new SlurmTaskRecord(1240, null, "NODE_FAIL", "1:0"),
            ],
            SlurmOutput.ParseSacct(text.ReplaceLineEndings("\n")));
    }

    [Theory]
    [InlineData("Slurm accounting storage is disabled")]
    [InlineData("abc_1|RUNNING|0:0")]
    [InlineData("12_x|RUNNING|0:0")]
    public void AnythingElseIsAFormatErrorQuotingTheLine(string line)
    {
        var ex = Assert.Throws<FormatException>(() => SlurmOutput.ParseSacct(line));
        Assert.Contains(line, ex.Message);
    }
}
