using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Models;

[Collection(LibTorchRngCollection.Name)]
public class LookAheadTests
{
    [Theory]
    [MemberData(nameof(StreamingHarness.Families), MemberType = typeof(StreamingHarness))]
    public void DelayedStreamingRowsPlusFlushMatchOffline(ModelFamily family)
    {
        using var model = StreamingHarness.Build(family, ModelSize.Small, lookAhead: 3);
        Assert.Equal(3, model.LookAhead);
        using var x = StreamingHarness.Features(2, 40, 40);
        using var offline = StreamingHarness.Offline(model, x);
        foreach (var chunk in new[] { 1, 3, 16 })
        {
            using var streamed = StreamingHarness.Stream(model, x, chunk);
            Assert.True(StreamingHarness.MaxAbsDiff(offline, streamed) < 1e-5, $"chunk {chunk}");
        }
    }

    [Theory]
    [InlineData(ModelFamily.Gru, 0)]
    [InlineData(ModelFamily.Gru, 2)]
    [InlineData(ModelFamily.Lstm, 2)]
    [InlineData(ModelFamily.Tcn, 0)]
    [InlineData(ModelFamily.Tcn, 4)]
    [InlineData(ModelFamily.Dscnn, 1)]
    [InlineData(ModelFamily.Crnn, 2)]
    public void OutputAtFrameTSeesExactlyFramesUpToTPlusK(ModelFamily family, int k)
    {
        using var model = StreamingHarness.Build(family, ModelSize.Small, lookAhead: k);
        using var x = StreamingHarness.Features(1, 30, 40);
        using var baseline = StreamingHarness.Offline(model, x);
        const int t = 10;

        // Changing frame t + k + 1 must leave outputs 0..t alone; changing frame t + k must move output t.
        using var later = x.clone();
        later[0, t + k + 1] = torch.randn(40) * 3;
        using var outLater = StreamingHarness.Offline(model, later);
        Assert.Equal(0.0, StreamingHarness.MaxAbsDiff(baseline.narrow(1, 0, t + 1), outLater.narrow(1, 0, t + 1)));

        using var edge = x.clone();
        edge[0, t + k] = torch.randn(40) * 3;
        using var outEdge = StreamingHarness.Offline(model, edge);
        Assert.True(StreamingHarness.MaxAbsDiff(baseline.narrow(1, t, 1), outEdge.narrow(1, t, 1)) > 1e-6);
    }

    [Fact]
    public void StreamingRowsAreDelayedByTheLookAhead()
    {
        using var model = StreamingHarness.Build(ModelFamily.Tcn, ModelSize.Small, lookAhead: 2);
        using var x = StreamingHarness.Features(1, 10, 40);
        using var offline = StreamingHarness.Offline(model, x);
        using var state = model.InitialState(1);
        var (rows, next) = model.Step(x, state);
        using (rows)
        using (next)
        {
            // Row j of a stream is frame j - k: row 2 is frame 0, and the last row is frame 7.
            Assert.Equal(10L, rows.shape[1]);
            Assert.True(StreamingHarness.MaxAbsDiff(rows.narrow(1, 2, 8), offline.narrow(1, 0, 8)) < 1e-5);
            var (tail, after) = model.Flush(next, 1);
            using (tail)
            using (after)
            {
                Assert.Equal(2L, tail.shape[1]);
                Assert.True(StreamingHarness.MaxAbsDiff(tail, offline.narrow(1, 8, 2)) < 1e-5);
            }
        }
    }
}
