using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

public sealed class PeerTraceTests
{
    [Fact]
    public void FramesHoldTheLatestScoreAvailableAtTheirEndTime()
    {
        // Scores at 80 ms and 160 ms; frame t ends at (160 t + 400) / 16000 s = 25, 35, ..., 175 ms.
        var trace = new PeerTrace([0.08, 0.16], [0.3f, 0.9f]);
        var frames = trace.OnFrames(16, PeerScorer.Grid);
        for (var t = 0; t < frames.Length; t++)
        {
            var end = (160.0 * t + 400) / 16000;
            var expected = end < 0.08 - 1e-9 ? 0f : end < 0.16 - 1e-9 ? 0.3f : 0.9f;
            Assert.Equal(expected, frames[t]);
        }
        // Frame 13 ends exactly at 0.155 s, frame 14 at 0.165 s: the switch happens at the first frame ending at or after 160 ms.
        Assert.Equal(0.3f, frames[13]);
        Assert.Equal(0.9f, frames[14]);
    }

    [Fact]
    public void AScoreStampedExactlyAtAFrameEndCountsForThatFrame()
    {
        var trace = new PeerTrace([0.045], [1f]);
        var frames = trace.OnFrames(4, PeerScorer.Grid); // ends 25, 35, 45, 55 ms
        Assert.Equal([0f, 0f, 1f, 1f], frames);
    }

    [Fact]
    public void OffsetsSpreadEvenlyOverOneStep()
    {
        Assert.Equal([0, 320, 640, 960], PeerScorer.Offsets(1280, 4));
        Assert.Equal([0], PeerScorer.Offsets(512, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PeerScorer.Offsets(512, 0));
    }

    [Fact]
    public void FrameCountFollowsTheSnipEdgesConvention()
    {
        Assert.Equal(0, PeerScorer.FrameCount(399));
        Assert.Equal(1, PeerScorer.FrameCount(400));
        Assert.Equal(1, PeerScorer.FrameCount(559));
        Assert.Equal(2, PeerScorer.FrameCount(560));
        Assert.Equal(98, PeerScorer.FrameCount(16000));
    }
}
