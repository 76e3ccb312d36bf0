using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

[Collection(LibTorchRngCollection.Name)]
public class DevScoringBenchmarkTests
{
    /// <summary>The benchmark compares like with like: both ways give the same posteriors (its timings are `sal bench dev`'s to report).</summary>
    [Fact]
    public void StreamingAndDevScoringAgreeOnTheBenchmarkStream()
    {
        var rows = DevScoringBenchmark.Run([ModelFamily.Tcn, ModelFamily.Gru], minutes: 0.05, lookAhead: 2);
        Assert.Equal(["tcn", "gru"], rows.Select(r => r.Family));
        Assert.All(rows, r =>
        {
            Assert.Equal(3.0, r.AudioSeconds, 6);
            Assert.True(r.MaxAbsDifference < 1e-5, $"{r.Family}: {r.MaxAbsDifference}");
            Assert.True(r.StreamedCpuSeconds > 0 && r.ForwardCpuSeconds > 0);
        });
    }
}
