using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

public class DetectionEvaluatorTests
{
    // Frame f ends at 0.025 + 0.01 f seconds. Spikes are single frames (no smoothing), values exact in binary.
    private static float[] Spikes(int frames, params (int Frame, float Value)[] spikes)
    {
        var p = new float[frames];
        foreach (var (frame, value) in spikes)
        {
            p[frame] = value;
        }
        return p;
    }

    // Two half-hour streams: 3 events, hits at +0.025 s (0.875) and +0.525 s (0.5625), false alarms 0.625 and 0.9375.
    private static List<PosteriorTrace> HandMade() =>
    [
        new("a", Spikes(1000, (200, 0.875f), (400, 0.625f), (650, 0.5625f)), 1, 1800,
            [new EvalEvent(1, 2.0, 1.5, 2.0), new EvalEvent(1, 6.0, 5.5, 6.0)]),
        new("b", Spikes(1000, (100, 0.9375f)), 1, 1800, [new EvalEvent(1, 3.0, 2.5, 3.0)]),
    ];

    private static readonly EvaluationConfig Config = new()
    {
        Detector = new DetectorConfig { SmoothingFrames = 1, Threshold = 0.5, RefractorySeconds = 0.5 },
        Match = new MatchConfig { BeforeSeconds = 0.5, AfterSeconds = 1.0 },
        FaPerHourTargets = [0.5, 1.0],
        Thresholds = [0.5, 0.6, 0.7, 0.9, 0.95],
    };

    [Fact]
    public void ExactCountsAndLatencyAtOneThreshold()
    {
        var p = DetectionEvaluator.Evaluate(HandMade(), Config, 0.5);
        Assert.Equal(3, p.Events);
        Assert.Equal(2, p.Hits);
        Assert.Equal(2, p.FalseAlarms);
        Assert.Equal(1.0, p.Hours, 12);
        Assert.Equal(1.0 / 3, p.Frr, 12);
        Assert.Equal(2.0, p.FaPerHour, 12);
        Assert.Equal(2, p.Latency.Count);
        Assert.Equal(0.275, p.Latency.Mean, 9);
        Assert.Equal(0.275, p.Latency.Median, 9);
        Assert.Equal(0.025 + 0.9 * 0.5, p.Latency.P90, 9);
    }

    [Fact]
    public void SweepGivesTheExactDetCurveAndOperatingPoints()
    {
        var r = DetectionEvaluator.Run(HandMade(), Config);
        Assert.Equal([1, 2, 2, 3, 3], r.Curve.Select(p => p.Misses));
        Assert.Equal([2.0, 2.0, 1.0, 1.0, 0.0], r.Curve.Select(p => p.FaPerHour));

        var at1 = r.Targets.Single(t => t.FaPerHourTarget == 1.0).Point;
        Assert.Equal(0.7, at1.Threshold);
        Assert.Equal(2.0 / 3, at1.Frr, 12);
        Assert.Equal(0.025, at1.Latency.Median, 9);

        var atHalf = r.Targets.Single(t => t.FaPerHourTarget == 0.5).Point;
        Assert.Equal(0.95, atHalf.Threshold);
        Assert.Equal(1.0, atHalf.Frr);
        Assert.Equal(0, atHalf.Latency.Count);

        // FRR 2/3 while the share of streams with a false alarm drops from 1 to 1/2 between 0.6 and 0.7.
        Assert.Equal(2.0 / 3, r.Eer, 12);
    }

    [Fact]
    public void SecondDetectionOfTheSameEventIsAFalseAlarm()
    {
        var events = new[] { new EvalEvent(1, 2.0, 1.5, 2.0) };
        var detections = new[] { new Detection(1.8, 1, 0.9, 0), new Detection(2.6, 1, 0.9, 0) };
        var m = DetectionMatcher.Match(detections, events, new MatchConfig { BeforeSeconds = 0.5, AfterSeconds = 1 });
        Assert.Equal(1, m.Hits);
        Assert.Equal(1, m.FalseAlarms);
        Assert.Equal(-0.2, m.Latencies.Single(), 12);
    }

    [Fact]
    public void WrongClassIsAFalseAlarmAndAMiss()
    {
        var events = new[] { new EvalEvent(2, 2.0, 1.5, 2.0) };
        var m = DetectionMatcher.Match([new Detection(2.1, 1, 0.9, 0)], events, new MatchConfig());
        Assert.Equal(0, m.Hits);
        Assert.Equal(1, m.Misses);
        Assert.Equal(1, m.FalseAlarms);
    }

    [Fact]
    public void OverlappingWindowsGiveEachDetectionTheEarliestOpenEvent()
    {
        var events = new[] { new EvalEvent(1, 2.0, 1.5, 2.0), new EvalEvent(1, 2.4, 2.0, 2.4) };
        var detections = new[] { new Detection(2.1, 1, 0.9, 0), new Detection(2.5, 1, 0.9, 0) };
        var m = DetectionMatcher.Match(detections, events, new MatchConfig { BeforeSeconds = 0.5, AfterSeconds = 1 });
        Assert.Equal(2, m.Hits);
        Assert.Equal(0, m.FalseAlarms);
        Assert.Equal([0.1, 0.1], m.Latencies.Select(x => Math.Round(x, 9)));
    }

    [Fact]
    public void OnsetIgnoresRetriggersInsideSpeechButCountsEarlyOnes()
    {
        var config = EvaluationConfig.ForTask(TaskKind.Onset).Match;
        var events = new[] { new EvalEvent(1, 1.0, 1.0, 4.0) };
        var detections = new[] { new Detection(0.9, 1, 1, 0), new Detection(1.2, 1, 1, 0), new Detection(3.0, 1, 1, 0), new Detection(6.0, 1, 1, 0) };
        var m = DetectionMatcher.Match(detections, events, config);
        Assert.Equal(1, m.Hits);
        Assert.Equal(0.2, m.Latencies.Single(), 12);
        Assert.Equal(1, m.Ignored);
        Assert.Equal(2, m.FalseAlarms); // 0.9 s is before the onset, 6.0 s after the speech
    }

    [Fact]
    public void FrameMetricsCountAgreementOfSmoothedPosteriorsWithTargets()
    {
        var trace = new PosteriorTrace("f", [0.1f, 0.9f, 0.8f, 0.2f, 0.7f], 1, 1.0, [], [0, 1, 0, 1, 0]);
        var r = DetectionEvaluator.Run([trace], new EvaluationConfig { Detector = new DetectorConfig { SmoothingFrames = 1 } });
        var f = r.Frame!;
        Assert.Equal((1L, 2L, 1L, 1L), (f.TruePositives, f.FalsePositives, f.FalseNegatives, f.TrueNegatives));
        Assert.Equal(0.4, f.Accuracy, 12);
        Assert.Equal(1.0 / 3, f.Precision, 12);
        Assert.Equal(0.5, f.Recall, 12);
        Assert.Equal(0.4, f.F1, 12);
        Assert.True(double.IsNaN(r.Eer));
    }

    [Fact]
    public void PercentileInterpolatesBetweenRanks()
    {
        double[] sorted = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(9.0, LatencyStats.Percentile(sorted, 0.9), 12);
        Assert.Equal(5.0, LatencyStats.Percentile(sorted, 0.5), 12);
        Assert.Equal(1.5, LatencyStats.Percentile([1.0, 2.0], 0.5), 12);
    }

    [Fact]
    public void TheDefaultSweepSeparatesScoresNearOneAtFloatResolution()
    {
        // A confident model: the keyword scores 1 - 1e-6, a false alarm 1 - 4e-6 (both as float32), over one hour.
        var posteriors = new float[360_000];
        posteriors[1000] = (float)(1 - 1e-6);
        posteriors[200_000] = (float)(1 - 4e-6);
        var trace = new PosteriorTrace("c", posteriors, 1, 3600, [new EvalEvent(1, 10.0, 9.5, 10.0)]);
        var config = new EvaluationConfig
        {
            Detector = new DetectorConfig { SmoothingFrames = 1, Threshold = 0.5, RefractorySeconds = 0.5 },
            FaPerHourTargets = [0.5],
        };
        var point = DetectionEvaluator.Run([trace], config).Targets[0].Point;
        Assert.Equal(0.0, point.Frr);
        Assert.Equal(0, point.FalseAlarms);
        Assert.True(point.Threshold is > 1 - 4e-6 and <= 1 - 1e-6, $"threshold {point.Threshold}");
    }

    [Fact]
    public void TheSweepIsRefinedWhereTheFalseAlarmsCrossEachBudget()
    {
        // Over one hour: nine false alarms scoring 0.981 ... 0.989 and the keyword at 0.9875. The grid's 0.98 has all
        // nine false alarms and 0.99 misses the keyword; within 3 FA/h the keyword is caught above 0.986 (three false
        // alarms) up to 0.9875 (two), which the refined sweep finds.
        var posteriors = new float[360_000];
        posteriors[1000] = 0.9875f;
        for (var k = 0; k < 9; k++)
        {
            posteriors[20_000 + 30_000 * k] = (float)(0.981 + 0.001 * k);
        }
        var trace = new PosteriorTrace("r", posteriors, 1, 3600, [new EvalEvent(1, 10.0, 9.5, 10.0)]);
        var config = new EvaluationConfig
        {
            Detector = new DetectorConfig { SmoothingFrames = 1, Threshold = 0.5, RefractorySeconds = 0.5 },
            FaPerHourTargets = [3],
        };
        var refined = DetectionEvaluator.Run([trace], config);
        Assert.Equal(0.0, refined.Targets[0].Point.Frr);
        Assert.Equal(2, refined.Targets[0].Point.FalseAlarms);
        Assert.True(refined.Targets[0].Point.Threshold is > 0.987 and <= 0.9875, $"threshold {refined.Targets[0].Point.Threshold}");
        Assert.Equal(refined.Curve.OrderBy(p => p.Threshold).Select(p => p.Threshold), refined.Curve.Select(p => p.Threshold));
        Assert.Equal(EvaluationConfig.DefaultThresholds.Count + config.RefineSteps, refined.Curve.Count);

        var coarse = DetectionEvaluator.Run([trace], config with { RefineSteps = 0 });
        Assert.Equal(1.0, coarse.Targets[0].Point.Frr);
        Assert.Equal(EvaluationConfig.DefaultThresholds.Count, coarse.Curve.Count);
        // A list of thresholds given by the caller is the sweep, unrefined.
        var given = DetectionEvaluator.Run([trace], config with { Thresholds = [0.98, 0.99] });
        Assert.Equal([0.98, 0.99], given.Curve.Select(p => p.Threshold));
    }
}
