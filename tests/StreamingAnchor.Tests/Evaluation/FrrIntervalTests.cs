using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Evaluation;

public class FrrIntervalTests
{
    /// <summary>Four voices of 10 keywords each, missed 1, 3, 5 and 9 times (pooled FRR 0.45), one stream per voice.</summary>
    private static readonly string?[] Voices = ["a", "b", "c", "d"];
    private static readonly int[] Events = [10, 10, 10, 10];
    private static readonly int[] Hits = [9, 7, 5, 1];

    [Fact]
    public void TheIntervalHoldsThePooledFrrLiesBetweenTheVoicesAndIsTheSameForTheSameTallies()
    {
        var interval = FrrInterval.OverGroups(Voices, Events, Hits)!;
        Assert.Equal(4, interval.Groups);
        Assert.Equal(FrrInterval.DefaultResamples, interval.Resamples);
        Assert.InRange(0.45, interval.Low, interval.High);
        // Every resample pools whole voices, so no FRR outside the best and the worst voice's can come out.
        Assert.InRange(interval.Low, 0.1, 0.45);
        Assert.InRange(interval.High, 0.45, 0.9);
        Assert.True(interval.High - interval.Low > 0.2, $"four voices from 10 % to 90 % FRR should spread the interval, got {interval}");
        AssertSame(interval, FrrInterval.OverGroups(Voices, Events, Hits));
        // The streams' order does not move it (groups are drawn in name order).
        AssertSame(interval, FrrInterval.OverGroups(Voices.Reverse().ToList(), Events.Reverse().ToList(), Hits.Reverse().ToList()));
        // A wider level holds a narrower one.
        var wide = FrrInterval.OverGroups(Voices, Events, Hits, level: 0.99)!;
        Assert.True(wide.Low <= interval.Low && wide.High >= interval.High, $"{wide} should hold {interval}");
    }

    [Fact]
    public void VoicesThatMissAlikeGiveNoSpreadAndAVoicesStreamsPoolBeforeTheDraw()
    {
        // Every voice misses 3 in 10: whichever voices are drawn, the FRR is 0.3.
        var same = FrrInterval.OverGroups(Voices, Events, [7, 7, 7, 7])!;
        Assert.Equal(0.3, same.Low, 12);
        Assert.Equal(0.3, same.High, 12);
        // Voice "a" split over two streams (2 + 8 keywords, 1 miss in all) is still one group of 10 keywords, 1 missed.
        var split = FrrInterval.OverGroups(["a", "a", "b", "c", "d"], [2, 8, 10, 10, 10], [2, 7, 7, 5, 1])!;
        AssertSame(FrrInterval.OverGroups(Voices, Events, Hits), split);
        Assert.Equal(new GroupTally("a", 10, 1), split.Tallies[0]);
    }

    [Fact]
    public void NoIntervalWithoutTwoVoicesOrWhenAKeywordStreamSaysNoVoice()
    {
        Assert.Null(FrrInterval.OverGroups(["a", "a"], [5, 5], [1, 2]));
        Assert.Null(FrrInterval.OverGroups(["a", null, "b"], [5, 5, 5], [1, 2, 3]));
        // A stream without keywords needs no voice.
        Assert.NotNull(FrrInterval.OverGroups(["a", null, "b"], [5, 0, 5], [1, 0, 3]));
        Assert.Throws<ArgumentException>(() => FrrInterval.OverGroups(["a", "b"], [5], [1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrrInterval.OverGroups(Voices, Events, Hits, level: 1));
    }

    [Fact]
    public void TheEvaluatorGivesTheIntervalAtEachTargetAndTheReportAndMetricsKeepIt()
    {
        // Three voices, two keyword streams each: voice "quiet" scores its keywords below the false alarm at 0.7.
        var traces = new List<PosteriorTrace>();
        string[] voices = ["loud", "loud", "mid", "mid", "quiet", "quiet"];
        for (var i = 0; i < voices.Length; i++)
        {
            var p = new float[1000];
            Array.Fill(p, voices[i] == "quiet" || (voices[i] == "mid" && i % 2 == 0) ? 0.6f : 0.95f, 300, 10);
            traces.Add(new PosteriorTrace($"s{i}", p, 1, 10.0, [new EvalEvent(1, 3.1, 2.6, 3.1)])
            {
                Conditions = new Dictionary<string, string> { [StreamConditions.Voice] = voices[i] },
            });
        }
        var negative = new float[1000];
        Array.Fill(negative, 0.7f, 500, 10);
        // The false alarm falls on a marked near miss: counting only the alarms elsewhere, every keyword is hit.
        traces.Add(new PosteriorTrace("n", negative, 1, 10.0, []) { NearMisses = [new NearMissSpan(4.8, 5.2)] });
        var config = new EvaluationConfig { FaPerHourTargets = [1] };
        var result = DetectionEvaluator.Run(traces, config);
        var point = result.TargetAt(1)!;
        Assert.Equal(0.5, point.Frr, 12);
        var interval = point.VoiceInterval!;
        Assert.Equal(3, interval.Groups);
        Assert.InRange(point.Frr, interval.Low, interval.High);
        Assert.True(interval.Low < interval.High);
        Assert.All(result.Curve, p => Assert.Null(p.VoiceInterval));
        var elsewhere = result.OtherTargetAt(1)!;
        Assert.Equal(0, elsewhere.Frr);
        Assert.Equal((0.0, 0.0, 3), (elsewhere.VoiceInterval!.Low, elsewhere.VoiceInterval.High, elsewhere.VoiceInterval.Groups));

        var summary = new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, result);
        using (var dir = new ScratchDir())
        {
            summary.Save(dir.File("metrics.json"));
            AssertSame(interval, EvaluationSummary.Load(dir.File("metrics.json")).Result.TargetAt(1)!.VoiceInterval);
        }
        Assert.Contains("FRR's 90 % interval over the keyword voices (a bootstrap of 3 voice groups", summary.ToMarkdown());

        // Without voices, neither the interval nor its line.
        var silent = DetectionEvaluator.Run(traces.Select(t => t with { Conditions = new Dictionary<string, string>() }).ToList(), config);
        Assert.Null(silent.TargetAt(1)!.VoiceInterval);
        Assert.Null(silent.OtherTargetAt(1)!.VoiceInterval);
        Assert.DoesNotContain("interval over the keyword voices", new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, silent).ToMarkdown());
    }

    [Fact]
    public void TwoRunsOnTheSameVoicesAreComparedVoiceForVoice()
    {
        var first = FrrInterval.OverGroups(Voices, Events, Hits)!;
        var itself = first.Difference(first)!;
        Assert.Equal((0.0, 0.0, 0.0), (itself.Difference, itself.Low, itself.High));
        // One more miss in every voice: 10 points more whichever voices are drawn, though the voices' own spread is wide.
        var worse = FrrInterval.OverGroups(Voices, Events, [8, 6, 4, 0])!;
        var difference = first.Difference(worse)!;
        Assert.Equal(0.1, difference.Difference, 12);
        Assert.Equal(0.1, difference.Low, 12);
        Assert.Equal(0.1, difference.High, 12);
        // Better on one voice, worse on another: the paired interval holds 0.
        var mixed = first.Difference(FrrInterval.OverGroups(Voices, Events, [5, 7, 5, 5])!)!;
        Assert.Equal(0, mixed.Difference, 12);
        Assert.True(mixed.Low < 0 && mixed.High > 0, $"{mixed} should hold 0");
        // Other streams (another voice, or other keyword counts) cannot be paired.
        Assert.Null(first.Difference(FrrInterval.OverGroups(["a", "b", "c", "e"], Events, Hits)!));
        Assert.Null(first.Difference(FrrInterval.OverGroups(Voices, [10, 10, 10, 11], Hits)!));
    }

    [Fact]
    public void TheComparisonTableShowsEachRunAgainstTheFirstWhenBothSayTheirVoices()
    {
        static EvaluationSummary Run(string name, int[] hits)
        {
            var interval = FrrInterval.OverGroups(Voices, Events, hits)!;
            var misses = Events.Sum() - hits.Sum();
            var point = new OperatingPoint(0.9, Events.Sum(), hits.Sum(), 1, 0, 1, 4, 1, LatencyStats.From([0.1])) { VoiceInterval = interval };
            var result = new EvaluationResult([point], point, [new TargetOperatingPoint(1, point)], 0.2, null)
            {
                OtherTargets = [new TargetOperatingPoint(1, point)],
            };
            Assert.Equal(misses / 40.0, point.Frr, 12);
            return new EvaluationSummary(name, TaskKind.Kws, "toy.jsonl", new EvaluationConfig { FaPerHourTargets = [1] }, result);
        }
        var table = EvaluationSummary.ComparisonMarkdown([Run("base", Hits), Run("worse", [8, 6, 4, 0])]);
        Assert.Contains("FRR against the first run (base), in points", table);
        Assert.Contains("| worse | +10.0 (+10.0 to +10.0) |", table);
        // The budgets that count only false alarms away from near misses get their own table.
        Assert.Contains("FRR at the budgets that count only the false alarms elsewhere (away from near misses) against the first run (base)", table);
        Assert.Contains("| run | FRR @1 FA/h elsewhere |", table);
        Assert.Equal(2, table.Split("| worse | +10.0 (+10.0 to +10.0) |").Length - 1);
        var alone = EvaluationSummary.ComparisonMarkdown([Run("base", Hits)]);
        Assert.DoesNotContain("against the first run", alone);

        // `sal eval --compare` reads a run folder's eval/ or a folder `sal eval --out` wrote, each row named by its folder.
        using var dir = new ScratchDir();
        Run("train", Hits).Save(Path.Combine(Directory.CreateDirectory(dir.File("recipe/train/eval")).FullName, "metrics.json"));
        Run("train", [8, 6, 4, 0]).Save(Path.Combine(Directory.CreateDirectory(dir.File("smoothed")).FullName, "metrics.json"));
        var loaded = new[] { dir.File("recipe/train"), dir.File("smoothed") + Path.DirectorySeparatorChar }.Select(RunEvaluator.LoadForComparison).ToList();
        Assert.Equal(["train", "smoothed"], loaded.Select(l => l.Name));
        Assert.Contains("| smoothed | +10.0 (+10.0 to +10.0) |", EvaluationSummary.ComparisonMarkdown(loaded));
        Assert.Throws<FileNotFoundException>(() => RunEvaluator.LoadForComparison(dir.File("nothing")));
    }

    private static void AssertSame(FrrInterval? expected, FrrInterval? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal((expected.Low, expected.High, expected.Resamples, expected.Level), (actual.Low, actual.High, actual.Resamples, actual.Level));
        Assert.Equal(expected.Tallies, actual.Tallies);
    }
}
