using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

/// <summary>False alarms on marked near misses of the keyword are counted apart (and still counted in the total).</summary>
public class NearMissTests
{
    private static readonly MatchConfig Window = new() { BeforeSeconds = 0.5, AfterSeconds = 1.0 };

    [Fact]
    public void AFalseAlarmFromANearMissStartToOneSecondAfterItsEndIsANearMissAlarm()
    {
        var spans = new[] { new NearMissSpan(10.0, 10.6), new NearMissSpan(20.0, 20.5) };
        var detections = new[]
        {
            new Detection(9.99, 1, 0.9, 0),  // before the first span: an ordinary false alarm
            new Detection(10.3, 1, 0.9, 0),  // inside it
            new Detection(11.6, 1, 0.9, 0),  // its end + 1 s, inclusive
            new Detection(21.6, 1, 0.9, 0),  // 1.1 s after the second span: ordinary again
            new Detection(30.1, 1, 0.9, 0),  // a hit of the event at 30
        };
        var m = DetectionMatcher.Match(detections, [new EvalEvent(1, 30.0, 29.5, 30.0)], Window, spans);
        Assert.Equal(1, m.Hits);
        Assert.Equal(4, m.FalseAlarms);
        Assert.Equal(2, m.NearMissAlarms);
        Assert.Equal(2, m.NearMisses);
        Assert.Equal(1, m.NearMissesFired);
    }

    [Fact]
    public void WithoutMarkedNearMissesNothingChanges()
    {
        var m = DetectionMatcher.Match([new Detection(10.3, 1, 0.9, 0)], [], Window);
        Assert.Equal(1, m.FalseAlarms);
        Assert.Equal(0, m.NearMissAlarms);
        Assert.Equal(0, m.NearMisses);
    }

    // One hour: the keyword at 100 s (posterior 0.6), a near miss at 200 s that scores 0.8, nothing else.
    private static PosteriorTrace KeywordAndNearMiss()
    {
        var posteriors = new float[360_000];
        posteriors[(int)Math.Round((100.1 - 0.025) / 0.01)] = 0.6f;
        posteriors[(int)Math.Round((200.2 - 0.025) / 0.01)] = 0.8f;
        return new PosteriorTrace("s", posteriors, 1, 3600, [new EvalEvent(1, 100.0, 99.5, 100.0)])
        {
            NearMisses = [new NearMissSpan(199.8, 200.3)],
        };
    }

    [Fact]
    public void OtherTargetsIgnoreNearMissAlarmsAndSayHowManyFired()
    {
        var trace = KeywordAndNearMiss();
        var config = new EvaluationConfig
        {
            Detector = new DetectorConfig { SmoothingFrames = 1, Threshold = 0.5, RefractorySeconds = 0.5 },
            FaPerHourTargets = [0.5],
            Thresholds = [0.5, 0.7, 0.9],
        };
        var result = DetectionEvaluator.Run([trace], config);
        // Counting every false alarm, 0.5 FA/h needs a threshold above the near miss, and the keyword is lost.
        Assert.Equal(1.0, result.Targets[0].Point.Frr);
        var other = Assert.Single(result.OtherTargets!);
        Assert.Equal(0.5, other.Point.Threshold);
        Assert.Equal(0.0, other.Point.Frr);
        Assert.Equal(1, other.Point.FalseAlarms);
        Assert.Equal(0.0, other.Point.OtherFaPerHour);
        Assert.Equal(1.0, other.Point.NearMissAcceptRate);
        Assert.Null(DetectionEvaluator.Run([trace with { NearMisses = [] }], config).OtherTargets);
    }

    [Fact]
    public void SpansRoundTripThroughTheManifestAndABadOneNamesTheClipFieldAndWhatWasExpected()
    {
        var spans = new[] { new NearMissSpan(0.125, 0.7), new NearMissSpan(1.0 / 3, 2.5) };
        var entry = new ManifestEntry
        {
            Id = "c1", Audio = "a.wav", Duration = 3, Split = "test", Events = [],
            Meta = new Dictionary<string, string> { [NearMissSpan.MetaKey] = NearMissSpan.Format(spans) },
        };
        Assert.Equal(spans, NearMissSpan.Of(entry, "m.jsonl"));
        var bad = entry with { Meta = new Dictionary<string, string> { [NearMissSpan.MetaKey] = "0.1-0.5,2.9-3.5" } };
        var ex = Assert.Throws<FormatException>(() => NearMissSpan.Of(bad, "m.jsonl"));
        Assert.Equal("m.jsonl: clip 'c1': meta.near_miss holds '2.9-3.5', expected start-end in seconds with 0 <= start <= end <= the clip's duration (3 s), pairs joined by ','", ex.Message);
    }

    [Fact]
    public void ReportsMetricsAndComparisonsCarryTheNearMissTable()
    {
        var trace = KeywordAndNearMiss();
        var config = new EvaluationConfig { Detector = new DetectorConfig { SmoothingFrames = 1 }, FaPerHourTargets = [0.5] };
        var summary = new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, DetectionEvaluator.Run([trace], config));
        using var dir = new ScratchDir();
        summary.Save(dir.File("metrics.json"));
        var back = EvaluationSummary.Load(dir.File("metrics.json"));
        Assert.Equal(0.0, back.Result.OtherTargets![0].Point.Frr);
        Assert.Equal(1, back.Result.OtherTargets[0].Point.NearMissesFired);
        Assert.Contains("| FA/h elsewhere <= 0.5 |", back.ToMarkdown());
        var table = EvaluationSummary.ComparisonMarkdown([summary, back]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("FRR @0.5 FA/h elsewhere (near misses fired)", table[0]);
        Assert.EndsWith("| 0.0% (100.0%) |", table[2]);
        // Without marks the table keeps its old columns.
        var plain = new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, DetectionEvaluator.Run([trace with { NearMisses = [] }], config));
        Assert.DoesNotContain("elsewhere", EvaluationSummary.ComparisonMarkdown([plain]));
    }

    private static ManifestEntry WithMeta(string spans, string? kinds) => new()
    {
        Id = "c1", Audio = "a.wav", Duration = 3, Split = "test", Events = [],
        Meta = kinds is null
            ? new Dictionary<string, string> { [NearMissSpan.MetaKey] = spans }
            : new Dictionary<string, string> { [NearMissSpan.MetaKey] = spans, [NearMissSpan.KindMetaKey] = kinds },
    };

    [Fact]
    public void KindsRoundTripSpanBySpanAndAreNullInOlderCorpora()
    {
        var spans = new[]
        {
            new NearMissSpan(0.125, 0.7) { Kind = NearMissKind.EditAtEnd },
            new NearMissSpan(1.0, 1.5) { Kind = NearMissKind.OtherWord },
            new NearMissSpan(2.0, 2.5) { Kind = NearMissKind.Phrase },
        };
        var kinds = NearMissSpan.FormatKinds(spans.Select(s => s.Kind!.Value));
        Assert.Equal("edit-end,word,phrase", kinds);
        Assert.Equal(spans, NearMissSpan.Of(WithMeta(NearMissSpan.Format(spans), kinds), "m.jsonl"));
        Assert.All(NearMissSpan.Of(WithMeta(NearMissSpan.Format(spans), null), "m.jsonl"), s => Assert.Null(s.Kind));
        Assert.Equal(["edit-end", "edit-inside", "last-word", "word", "phrase"], EnumNames.All<NearMissKind>());
    }

    [Fact]
    public void KindsThatDoNotMatchTheSpansOrAreUnknownNameTheClipFieldAndWhatWasExpected()
    {
        var count = Assert.Throws<FormatException>(() => NearMissSpan.Of(WithMeta("0.1-0.5,1-2", "edit-end"), "m.jsonl"));
        Assert.Equal("m.jsonl: clip 'c1': meta.near_miss_kind holds 1 kind(s) ('edit-end'), expected one per span of meta.near_miss (2), names joined by ','",
            count.Message);
        var unknown = Assert.Throws<FormatException>(() => NearMissSpan.Of(WithMeta("0.1-0.5,1-2", "edit-end,rhyme"), "m.jsonl"));
        Assert.Equal("m.jsonl: clip 'c1': meta.near_miss_kind holds 'rhyme', expected edit-end, edit-inside, last-word, word or phrase, names joined by ','",
            unknown.Message);
        Assert.Throws<FormatException>(() => NearMissSpan.Of(WithMeta("", "phrase"), "m.jsonl"));
    }

    [Fact]
    public void TheMatcherCountsNearMissesAndThoseFiredByKind()
    {
        var spans = new[]
        {
            new NearMissSpan(10.0, 10.6) { Kind = NearMissKind.EditInside },
            new NearMissSpan(20.0, 20.5) { Kind = NearMissKind.EditAtEnd },
            new NearMissSpan(30.0, 30.5) { Kind = NearMissKind.EditInside },
        };
        var m = DetectionMatcher.Match([new Detection(20.4, 1, 0.9, 0)], [], Window, spans);
        Assert.Equal(
            [new NearMissTally(NearMissKind.EditAtEnd, 1, 1), new NearMissTally(NearMissKind.EditInside, 2, 0)],
            m.NearMissesByKind);
        // Spans without kinds (older corpora) are counted as before, by no kind.
        var old = DetectionMatcher.Match([new Detection(20.4, 1, 0.9, 0)], [], Window, spans.Select(s => s with { Kind = null }).ToList());
        Assert.Equal(1, old.NearMissesFired);
        Assert.Empty(old.NearMissesByKind);
    }

    // KeywordAndNearMiss with kinds, and a second hour with a last-word near miss that scores 0.6 and an edit at the end that scores 0.3.
    private static List<PosteriorTrace> TwoStreamsWithKinds()
    {
        var first = KeywordAndNearMiss();
        var posteriors = new float[360_000];
        posteriors[(int)Math.Round((50.2 - 0.025) / 0.01)] = 0.6f;
        posteriors[(int)Math.Round((80.2 - 0.025) / 0.01)] = 0.3f;
        return
        [
            first with { NearMisses = [first.NearMisses[0] with { Kind = NearMissKind.EditAtEnd }] },
            new PosteriorTrace("t", posteriors, 1, 3600, [])
            {
                NearMisses = [new NearMissSpan(49.8, 50.3) { Kind = NearMissKind.LastWord }, new NearMissSpan(79.8, 80.3) { Kind = NearMissKind.EditAtEnd }],
            },
        ];
    }

    [Fact]
    public void TheEvaluatorSumsKindsOverStreamsAtEveryPoint()
    {
        var config = new EvaluationConfig
        {
            Detector = new DetectorConfig { SmoothingFrames = 1, Threshold = 0.5, RefractorySeconds = 0.5 },
            FaPerHourTargets = [0.5, 1.0],
            Thresholds = [0.5, 0.7, 0.9],
        };
        var result = DetectionEvaluator.Run(TwoStreamsWithKinds(), config);
        Assert.Equal([new NearMissTally(NearMissKind.EditAtEnd, 2, 1), new NearMissTally(NearMissKind.LastWord, 1, 1)], result.AtThreshold.NearMissesByKind);
        Assert.Equal([new NearMissTally(NearMissKind.EditAtEnd, 2, 1), new NearMissTally(NearMissKind.LastWord, 1, 0)], result.Curve[1].NearMissesByKind);
        Assert.Equal([new NearMissTally(NearMissKind.EditAtEnd, 2, 0), new NearMissTally(NearMissKind.LastWord, 1, 0)], result.Curve[2].NearMissesByKind);
        Assert.Equal(result.AtThreshold.NearMissesFired, result.AtThreshold.NearMissesByKind.Sum(k => k.Fired));
        // A budget no threshold meets keeps the kinds, with nothing fired.
        var none = DetectionEvaluator.BestUnder(result.Curve, 0.1);
        Assert.Equal([new NearMissTally(NearMissKind.EditAtEnd, 2, 0), new NearMissTally(NearMissKind.LastWord, 1, 0)], none.NearMissesByKind);
    }

    [Fact]
    public void MetricsKeepTheKindsAndTheReportListsThemOnlyWhenKnown()
    {
        var config = new EvaluationConfig { Detector = new DetectorConfig { SmoothingFrames = 1 }, FaPerHourTargets = [0.5, 1.0] };
        var summary = new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, DetectionEvaluator.Run(TwoStreamsWithKinds(), config));
        using var dir = new ScratchDir();
        summary.Save(dir.File("metrics.json"));
        var json = File.ReadAllText(dir.File("metrics.json"));
        Assert.Contains("\"nearMissesByKind\": [", json);
        Assert.Contains("\"kind\": \"edit-end\"", json);
        var back = EvaluationSummary.Load(dir.File("metrics.json"));
        Assert.Equal(summary.Result.OtherTargets![1].Point.NearMissesByKind, back.Result.OtherTargets![1].Point.NearMissesByKind);
        var report = back.ToMarkdown();
        Assert.Contains("Near misses fired by kind:", report);
        Assert.Contains($"- at FA/h elsewhere <= 1: {Line(back.Result.OtherTargets[1].Point)}\n", report);
        // Metrics written before kinds still load, and their report (like one without kinds) has no such lines.
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        StripKinds(node);
        File.WriteAllText(dir.File("old.json"), node.ToJsonString());
        var old = EvaluationSummary.Load(dir.File("old.json"));
        Assert.Empty(old.Result.AtThreshold.NearMissesByKind);
        Assert.DoesNotContain("by kind", old.ToMarkdown());
        Assert.Contains("near misses fired", old.ToMarkdown());
    }

    private static string Line(OperatingPoint p) =>
        string.Join(", ", p.NearMissesByKind.Select(k => $"{EnumNames.Name(k.Kind)} {k.Fired}/{k.NearMisses} ({EvaluationSummary.Pct(k.AcceptRate)})"));

    private static void StripKinds(System.Text.Json.Nodes.JsonNode? node)
    {
        if (node is System.Text.Json.Nodes.JsonObject o)
        {
            o.Remove("nearMissesByKind");
            foreach (var (_, child) in o.ToList())
            {
                StripKinds(child);
            }
        }
        else if (node is System.Text.Json.Nodes.JsonArray a)
        {
            foreach (var child in a)
            {
                StripKinds(child);
            }
        }
    }
}
