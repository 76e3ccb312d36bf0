using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

/// <summary>
/// The hit window's edges, at the exact boundary frames and one frame beyond: keyword spotting counts a detection
/// within [-0.5 s, +1 s] of the anchor (both edges inclusive), speech onset within [0, +1 s]. Detections are stamped
/// with frame end times (0.025 + 0.01 f s); anchors are written as a manifest holds them (decimal seconds). Every anchor
/// frame from 0.5 s to 30 s is tried, because whether an edge frame lands inside used to depend on binary rounding.
/// </summary>
public sealed class HitWindowTests
{
    private static readonly DetectorConfig Clock = new();

    /// <summary>Anchors on the frame grid, from the decimal text a manifest would hold (e.g. "2.025").</summary>
    private static IEnumerable<(int Frame, double Seconds)> GridAnchors() =>
        Enumerable.Range(50, 2950).Select(f => (f, double.Parse($"{25 + (10 * f)}e-3", System.Globalization.CultureInfo.InvariantCulture)));

    private static MatchResult One(int detectionFrame, EvalEvent e, MatchConfig config) =>
        DetectionMatcher.Match([new Detection(Clock.FrameEndTime(detectionFrame), 1, 1.0, detectionFrame)], [e], config);

    [Fact]
    public void KeywordWindowIncludesExactlyHalfASecondBeforeAndOneSecondAfterTheAnchor()
    {
        var config = EvaluationConfig.ForTask(TaskKind.Kws).Match;
        Assert.Equal((0.5, 1.0, false), (config.BeforeSeconds, config.AfterSeconds, config.IgnoreInsideEvents));
        foreach (var (a, anchor) in GridAnchors())
        {
            var keyword = new EvalEvent(1, anchor, anchor - 0.6, anchor);
            foreach (var (frame, hit) in new[] { (a - 51, false), (a - 50, true), (a + 100, true), (a + 101, false) })
            {
                var m = One(frame, keyword, config);
                Assert.True((hit ? 1 : 0, hit ? 0 : 1) == (m.Hits, m.FalseAlarms),
                    $"anchor {anchor} s (frame {a}), detection at frame {frame} ({Clock.FrameEndTime(frame)} s): {m.Hits} hit(s), {m.FalseAlarms} false alarm(s)");
            }
        }
    }

    [Fact]
    public void OnsetWindowStartsAtTheOnsetAndLaterDetectionsInsideSpeechAreIgnored()
    {
        var config = EvaluationConfig.ForTask(TaskKind.Onset).Match;
        Assert.Equal((0.0, 1.0, true), (config.BeforeSeconds, config.AfterSeconds, config.IgnoreInsideEvents));
        foreach (var (a, anchor) in GridAnchors())
        {
            // Speech from the onset for 3 s: one frame after the window it is the device staying in "speech", not a hit.
            var speech = new EvalEvent(1, anchor, anchor, anchor + 3.0);
            foreach (var (frame, hits, falseAlarms, ignored) in new[] { (a - 1, 0, 1, 0), (a, 1, 0, 0), (a + 100, 1, 0, 0), (a + 101, 0, 0, 1) })
            {
                var m = One(frame, speech, config);
                Assert.True((hits, falseAlarms, ignored) == (m.Hits, m.FalseAlarms, m.Ignored),
                    $"onset {anchor} s (frame {a}), detection at frame {frame}: {m.Hits} hit(s), {m.FalseAlarms} false alarm(s), {m.Ignored} ignored");
            }
        }
    }

    [Fact]
    public void TheStreamingDetectorsEdgeFramesCountLikeTheMatcherSays()
    {
        // End to end through the evaluator: one-frame spikes (no smoothing) at the edge frames of one keyword each.
        var config = EvaluationConfig.ForTask(TaskKind.Kws) with
        {
            Detector = new DetectorConfig { SmoothingFrames = 1, RefractorySeconds = 0.1 },
            FaPerHourTargets = [1.0],
        };
        var traces = new List<PosteriorTrace>();
        foreach (var offset in new[] { -51, -50, 100, 101 })
        {
            var posteriors = new float[600];
            posteriors[200 + offset] = 1f;
            traces.Add(new PosteriorTrace($"at{offset}", posteriors, 1, 6.0, [new EvalEvent(1, 2.025, 1.5, 2.025)]));
        }
        var point = DetectionEvaluator.Evaluate(traces, config, 0.5);
        Assert.Equal((4, 2, 2), (point.Events, point.Hits, point.FalseAlarms));
        Assert.Equal([-0.5, 1.0], point.Latencies.Order().Select(l => Math.Round(l, 9)));
    }
}
