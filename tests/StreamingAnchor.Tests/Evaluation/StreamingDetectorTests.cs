using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

public class StreamingDetectorTests
{
    [Fact]
    public void MovingAverageDelaysTheDetectionToTheFrameWhereTheMeanCrossesTheThreshold()
    {
        var detector = new StreamingDetector(new DetectorConfig { SmoothingFrames = 3, Threshold = 0.5, RefractorySeconds = 1 });
        float[] posteriors = [0, 0, 0.9f, 0.9f, 0.9f, 0, 0];
        var detections = posteriors.Select(p => detector.Push(p)).ToArray();
        // Mean of the last 3 frames: frame 2 -> 0.3, frame 3 -> 0.6 fires.
        Assert.Null(detections[2]);
        var d = Assert.Single(detections, x => x is not null);
        Assert.Equal(3, d!.Frame);
        Assert.Equal(0.025 + 3 * 0.010, d.Time, 12);
        Assert.Equal(0.6, d.Score, 6);
        Assert.Equal(1, d.Label);
    }

    [Fact]
    public void EarlyFramesAverageOnlyWhatHasArrived()
    {
        var detector = new StreamingDetector(new DetectorConfig { SmoothingFrames = 10, Threshold = 0.8 });
        var d = detector.Push(0.9f);
        Assert.NotNull(d);
        Assert.Equal(0, d!.Frame);
        Assert.Equal(0.025, d.Time, 12);
    }

    [Fact]
    public void RefractoryPeriodSpacesRepeatedDetections()
    {
        var detector = new StreamingDetector(new DetectorConfig { SmoothingFrames = 1, Threshold = 0.5, RefractorySeconds = 1.0 });
        var frames = Enumerable.Repeat(1f, 250).ToArray();
        var detections = detector.PushFrames(frames);
        Assert.Equal([0L, 100L, 200L], detections.Select(d => d.Frame));
    }

    [Fact]
    public void MultiClassFiresTheStrongestClassAboveThreshold()
    {
        var detector = new StreamingDetector(new DetectorConfig { SmoothingFrames = 1, Threshold = 0.5 }, classes: 3);
        Assert.Null(detector.Push([0.1f, 0.2f, 0.3f]));
        var d = detector.Push([0.55f, 0.1f, 0.7f]);
        Assert.Equal(3, d!.Label);
    }

    [Fact]
    public void ResetStartsANewStream()
    {
        var detector = new StreamingDetector(new DetectorConfig { SmoothingFrames = 4, Threshold = 0.5, RefractorySeconds = 5 });
        Assert.NotNull(detector.Push(1f));
        detector.Reset();
        Assert.Equal(0, detector.FramesSeen);
        var d = detector.Push(1f);
        Assert.NotNull(d);
        Assert.Equal(0, d!.Frame);
    }

    [Fact]
    public void NonFinitePosteriorIsRejected()
    {
        var detector = new StreamingDetector(new DetectorConfig());
        var ex = Assert.Throws<ArgumentException>(() => detector.Push(float.NaN));
        Assert.Contains("not finite", ex.Message);
    }

    [Fact]
    public void OfflineReplayEqualsFrameByFramePushing()
    {
        var rng = new Random(7);
        var posteriors = Enumerable.Range(0, 3000).Select(_ => (float)rng.NextDouble()).ToArray();
        var config = new DetectorConfig { SmoothingFrames = 7, Threshold = 0.62, RefractorySeconds = 0.3 };
        var detector = new StreamingDetector(config);
        var streamed = posteriors.Select(p => detector.Push(p)).OfType<Detection>().ToList();
        var trace = new PosteriorTrace("r", posteriors, 1, 30, []);
        var offline = DetectionEvaluator.Detect(trace, config, config.Threshold);
        Assert.NotEmpty(streamed);
        Assert.Equal(streamed, offline);
    }
}
