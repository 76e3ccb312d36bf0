using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

public class StreamConditionsTests
{
    private static ManifestEntry Entry(Dictionary<string, string>? meta) =>
        new() { Id = "s", Audio = "s.wav", Duration = 10, Split = "test", Meta = meta };

    [Fact]
    public void ASynthesisedStreamsMetaGivesItsSnrBandBackgroundRoomBabbleAndCodec()
    {
        var plain = StreamConditions.Of(Entry(new() { ["snr_db"] = "-3.9", ["bed"] = "music", ["codec"] = "none" }));
        Assert.Equal(new Dictionary<string, string>
        {
            ["snr"] = "< 0 dB", ["codec"] = "none", ["background"] = "music", ["room"] = "dry", ["babble"] = "none",
        }, plain);
        var reverberant = StreamConditions.Of(Entry(new()
        {
            ["snr_db"] = "20.0", ["bed"] = "noise", ["codec"] = "gsm", ["room"] = "3.1x2.8x3.4", ["babble"] = "4",
        }));
        Assert.Equal(">= 20 dB", reverberant["snr"]);
        Assert.Equal("reverberant", reverberant["room"]);
        Assert.Equal("babble", reverberant["babble"]);
        Assert.Equal("gsm", reverberant["codec"]);
        // A manifest that says nothing of how its audio was made has no conditions, and room is never guessed.
        Assert.Empty(StreamConditions.Of(Entry(null)));
        Assert.Equal(["snr"], StreamConditions.Of(Entry(new() { ["snr_db"] = "9.99" })).Keys);
        // The voice is the keyword speakers' base voice, espeak variants dropped.
        Assert.Equal("espeak:gmw/en-US,festival:ked_diphone", StreamConditions.Of(Entry(new()
        {
            ["keyword_voices"] = "espeak:gmw/en-US+f3,espeak:gmw/en-US+klatt2,festival:ked_diphone",
        }))["voice"]);
        // A stream with no background is its own band, not left out of the SNR rows.
        Assert.Equal("no noise", StreamConditions.Of(Entry(new() { ["snr_db"] = "inf", ["bed"] = "none" }))["snr"]);
    }

    [Theory]
    [InlineData(-0.01, "< 0 dB")]
    [InlineData(0, "0-10 dB")]
    [InlineData(9.9, "0-10 dB")]
    [InlineData(10, "10-20 dB")]
    [InlineData(35, ">= 20 dB")]
    [InlineData(double.PositiveInfinity, "no noise")]
    public void SnrBandsMeetAtTheirLowerEdge(double snr, string band) => Assert.Equal(band, StreamConditions.SnrBand(snr));

    /// <summary>Two streams per SNR band, the low band's keywords scored below the false alarm (0.6 against 0.95), and a negative stream.</summary>
    private static List<PosteriorTrace> Traces()
    {
        var traces = new List<PosteriorTrace>();
        for (var i = 0; i < 4; i++)
        {
            var loud = i >= 2;
            var p = new float[1000];
            for (var t = 300; t < 310; t++)
            {
                p[t] = loud ? 0.95f : 0.6f;
            }
            var conditions = new Dictionary<string, string> { ["snr"] = loud ? ">= 20 dB" : "< 0 dB", ["room"] = i % 2 == 0 ? "dry" : "reverberant" };
            traces.Add(new PosteriorTrace($"s{i}", p, 1, 10.0, [new EvalEvent(1, 3.1, 2.6, 3.1)]) { Conditions = conditions });
        }
        // A stream without events counts towards no condition's events; its false alarm at 0.7 (72 FA/h here) puts the
        // 1 FA/h threshold between the quiet and the loud keywords.
        var negative = new float[1000];
        Array.Fill(negative, 0.7f, 500, 10);
        traces.Add(new PosteriorTrace("n", negative, 1, 10.0, []) { Conditions = new Dictionary<string, string> { ["snr"] = "0-10 dB" } });
        return traces;
    }

    [Fact]
    public void MissesAreTalliedByConditionAtEachTargetAndTheReportShowsThem()
    {
        var config = new EvaluationConfig { FaPerHourTargets = [1, 1000] };
        var result = DetectionEvaluator.Run(Traces(), config);
        var point = result.TargetAt(1)!;
        Assert.Equal(0.5, point.Frr);
        // Conditions in the report's order, SNR bands from the lowest; the quiet band is the one that misses.
        Assert.Equal([
            new ConditionTally("snr", "< 0 dB", 2, 0), new ConditionTally("snr", ">= 20 dB", 2, 2),
            new ConditionTally("room", "dry", 2, 1), new ConditionTally("room", "reverberant", 2, 1),
        ], point.ByCondition);
        Assert.Equal(point.Hits, point.ByCondition.Where(c => c.Condition == "snr").Sum(c => c.Hits));
        // The sweep's other points are not tallied: metrics files keep the breakdown at the reported budgets only.
        Assert.All(result.Curve, p => Assert.Empty(p.ByCondition));

        var summary = new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, result);
        // metrics.json keeps the tallies, and `sal eval --compare` reads them back.
        using (var dir = new ScratchDir())
        {
            summary.Save(dir.File("metrics.json"));
            Assert.Equal(point.ByCondition, EvaluationSummary.Load(dir.File("metrics.json")).Result.TargetAt(1)!.ByCondition);
        }
        var report = summary.ToMarkdown();
        Assert.Contains("| condition | value | events | FRR @1 FA/h | FRR @1000 FA/h |", report);
        Assert.Contains("| snr | < 0 dB | 2 | 100.0% |", report);
        Assert.Contains("| snr | >= 20 dB | 2 | 0.0% |", report);
    }

    [Fact]
    public void AStreamWithTwoVoicesCountsUnderEach()
    {
        var traces = Traces().Take(2).Select((t, i) => t with
        {
            Conditions = new Dictionary<string, string> { ["voice"] = i == 0 ? "espeak:cy,festival:ked_diphone" : "festival:ked_diphone" },
        }).ToList();
        var tallies = ConditionTally.Of(traces, [1, 0]);
        Assert.Equal([new ConditionTally("voice", "espeak:cy", 1, 1), new ConditionTally("voice", "festival:ked_diphone", 2, 1)], tallies);
    }

    [Fact]
    public void StreamsWithoutConditionsGiveNoBreakdown()
    {
        var traces = Traces().Select(t => t with { Conditions = new Dictionary<string, string>() }).ToList();
        var config = new EvaluationConfig { FaPerHourTargets = [1] };
        var result = DetectionEvaluator.Run(traces, config);
        Assert.Empty(result.TargetAt(1)!.ByCondition);
        Assert.DoesNotContain("| condition |", new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, result).ToMarkdown());
    }
}
