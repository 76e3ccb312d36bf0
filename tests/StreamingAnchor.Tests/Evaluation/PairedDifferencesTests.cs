using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

public class PairedDifferencesTests
{
    private static readonly string?[] Voices = ["a", "b", "c", "d"];
    private static readonly int[] Events = [10, 10, 10, 10];

    private static OperatingPoint Point(int[] hits, bool voices = true) =>
        new(0.5, Events.Sum(), hits.Sum(), 1, 0, 1, 4, 1, new LatencyStats(hits.Sum(), 0.1, 0.1, 0.2))
        {
            VoiceInterval = voices ? FrrInterval.OverGroups(Voices, Events, hits) : null,
        };

    /// <summary>A result with points at 1 and 10 FA/h; <paramref name="elsewhere"/> also fills the near-miss-free budgets.</summary>
    private static EvaluationResult Result(int[] at1, int[] at10, int[]? elsewhere = null, bool voices = true)
    {
        var p1 = Point(at1, voices);
        return new EvaluationResult([p1], p1, [new(1, p1), new(10, Point(at10, voices))], double.NaN, null)
        {
            OtherTargets = elsewhere is null ? null : [new(1, Point(elsewhere, voices))],
        };
    }

    [Fact]
    public void EachLaterResultIsPairedWithTheFirstAtEachBudgetAndAMissingPointIsADash()
    {
        var first = Result([9, 7, 5, 1], [10, 9, 8, 5], elsewhere: [9, 8, 6, 2]);
        var worse = Result([8, 6, 4, 0], [10, 9, 8, 5]);
        var table = PairedDifferences.Against(first, [worse, first], [1, 10, 2], FalseAlarmScope.All)!;

        Assert.Equal(2, table.Count);
        // One more miss per voice at 1 FA/h: +10 points, the same on every resample; at 10 FA/h nothing moves; 2 FA/h
        // was not a budget of either run.
        Assert.Equal(["+10.0 (+10.0 to +10.0)", "0.0 (0.0 to 0.0)", PairedDifferences.None], table[0]);
        Assert.Equal(first.TargetAt(1)!.DifferenceByVoice(worse.TargetAt(1)!)!.ToPoints(), table[0][0]);
        Assert.Equal(["0.0 (0.0 to 0.0)", "0.0 (0.0 to 0.0)", PairedDifferences.None], table[1]);

        // Elsewhere: only the first result has those budgets, so nothing pairs and there is no table.
        Assert.Null(PairedDifferences.Against(first, [worse], [1, 10], FalseAlarmScope.Elsewhere));
        Assert.NotNull(PairedDifferences.Against(first, [first], [1], FalseAlarmScope.Elsewhere));
    }

    [Fact]
    public void StreamsThatDoNotSayTheirVoicesGiveNoTable()
    {
        var first = Result([9, 7, 5, 1], [10, 9, 8, 5], voices: false);
        var second = Result([8, 6, 4, 0], [10, 9, 8, 5], voices: false);
        Assert.Null(PairedDifferences.Against(first, [second], [1, 10], FalseAlarmScope.All));
        Assert.Null(PairedDifferences.Against(first, [], [1, 10], FalseAlarmScope.All));
    }
}
