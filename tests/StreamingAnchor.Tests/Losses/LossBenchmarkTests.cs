using StreamingAnchor.Losses;

namespace StreamingAnchor.Tests.Losses;

/// <summary>The benchmark's bookkeeping (not its timings, which belong to `sal bench loss`).</summary>
[Collection(LibTorchRngCollection.Name)]
public class LossBenchmarkTests
{
    [Fact]
    public void ReportsEveryKindPerShapeRelativeToCe()
    {
        var options = new LossBenchmarkOptions { Batch = 3, Frames = 16, ClassCounts = [1, 4], Rounds = 5, WarmupRounds = 1, WarmupSeconds = 0 };
        var progress = new List<(int Done, int Total)>();
        var results = LossBenchmark.Run(options, new SyncProgress<(int, int)>(progress.Add));
        Assert.Equal(2 * (Enum.GetValues<LossKind>().Length + 2), results.Count);
        foreach (var shape in new[] { "[3,16,1]", "[3,16,4]" })
        {
            var rows = results.Where(r => r.Shape == shape).ToList();
            Assert.Equal(Enum.GetValues<LossKind>().Select(k => k.Name()).Concat([LossBenchmark.TorchCe, LossBenchmark.SignificanceOnly]).Order(), rows.Select(r => r.Name).Order());
            Assert.Equal(1.0, rows.Single(r => r.Name == "ce").RatioToCe);
            Assert.All(rows, r => Assert.True(r.P10Microseconds > 0 && r.P10Microseconds <= r.MedianMicroseconds && r.MedianMicroseconds <= r.P90Microseconds));
        }
        Assert.Equal((6, 6), progress[^1]);
    }

    [Fact]
    public void ReferenceRowsComeWithTheKindsTheFusedPathServes()
    {
        var options = new LossBenchmarkOptions
        {
            Batch = 2, Frames = 8, ClassCounts = [1], Rounds = 2, WarmupRounds = 0, WarmupSeconds = 0, IncludeReference = true,
        };
        var names = LossBenchmark.Run(options).Select(r => r.Name).ToList();
        foreach (var kind in new[] { "ce", "focal", "sal", "sa+fl", "safl" })
        {
            Assert.Contains(kind + LossBenchmark.ReferenceSuffix, names);
        }
        Assert.DoesNotContain("maxpool" + LossBenchmark.ReferenceSuffix, names);
    }
}
