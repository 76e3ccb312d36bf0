using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Training;

/// <summary>`sal bench train --quick` runs and prints a row per config (its speed belongs to the bench itself, not to a test).</summary>
public class BenchTrainCommandTests
{
    [Fact]
    public void QuickModePrintsOneRowPerConfig()
    {
        var (code, stdout, stderr) = SalProcess.Run("bench", "train", "--quick", "--model", "tcn", "gru", "--preset", "small",
            "--batch", "2", "3", "--threads", "1", "2");
        Assert.True(code == 0, stderr);
        var rows = SalProcess.Lines(stdout).Where(l => l.StartsWith("tcn\t", StringComparison.Ordinal) || l.StartsWith("gru\t", StringComparison.Ordinal)).ToList();
        // 2 families x 1 preset x 2 batches x (2 thread counts + 2 replicas, the default) x 2 loads (idle, busy).
        Assert.Equal(24, rows.Count);
        Assert.All(rows, r => Assert.Equal(17, r.Split('\t').Length));
        Assert.Contains(rows, r => r.Split('\t')[5] == "busy");
        var layouts = rows.Select(r => (Threads: r.Split('\t')[3], Replicas: r.Split('\t')[4])).Distinct().Order().ToArray();
        Assert.Equal([("1", "1"), ("1", "2"), ("2", "1")], layouts);
    }

    [Fact]
    public void UnknownLoadIsAUsageError()
    {
        var (code, _, stderr) = SalProcess.Run("bench", "train", "--quick", "--load", "sometimes");
        Assert.Equal(2, code);
        Assert.Single(SalProcess.Lines(stderr));
    }
}
