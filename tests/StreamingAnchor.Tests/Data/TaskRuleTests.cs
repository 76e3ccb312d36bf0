using StreamingAnchor.Anchors;
using StreamingAnchor.Data;

namespace StreamingAnchor.Tests.Data;

public class TaskRuleTests
{
    private static ManifestEntry Clip(double duration, IReadOnlyList<ManifestEvent> events, IReadOnlyList<double>? anchors = null) =>
        new() { Id = "c", Audio = "c.wav", Duration = duration, Events = events, Anchors = anchors };

    private static int[] Positives(long[] targets, long cls = 1) =>
        Enumerable.Range(0, targets.Length).Where(t => targets[t] == cls).ToArray();

    [Fact]
    public void KwsPositiveWindowStartsAtTheKeywordEndFrame()
    {
        // Keyword ends at 0.5 s: frame a = (8000 - 400) / 160 = 47.5; frame 48 is the first to end after 0.5 s.
        var clip = Clip(1.0, [new ManifestEvent("hey", 0.2, 0.5)]);
        var rule = TaskRule.For(TaskKind.Kws);

        var r = rule.Apply(clip, 98);

        Assert.Equal([47.5], r.Anchors);
        Assert.Equal(Enumerable.Range(48, 30).ToArray(), Positives(r.Targets));
        var ev = Assert.Single(r.Events);
        Assert.Equal((1, 0.5, 0.2, 0.5), (ev.Label, ev.Anchor, ev.Start, ev.End));
    }

    [Fact]
    public void KwsWindowIsConfigurableAndClippedToTheClip()
    {
        // End at 0.9 s: a = (14400 - 400) / 160 = 87.5.
        var clip = Clip(1.0, [new ManifestEvent("hey", 0.6, 0.9)]);
        var rule = TaskRule.For(TaskKind.Kws) with { PositiveStart = -2, PositiveEnd = 20 };

        var r = rule.Apply(clip, 98);

        Assert.Equal(Enumerable.Range(86, 12).ToArray(), Positives(r.Targets));
        Assert.Equal([87.5], r.Anchors);
    }

    [Fact]
    public void ExactFrameBoundaryIsStableUnderFloatingPoint()
    {
        // 0.41 s is frame 38.5 exactly on paper but 16000 * 0.41 is not exact in binary floating point.
        var r = TaskRule.For(TaskKind.Kws).Apply(Clip(1.0, [new ManifestEvent("hey", 0.1, 0.41)]), 98);
        Assert.Equal(39, Positives(r.Targets)[0]);
        // 0.425 s ends frame 40 exactly: frame 40 itself is the first positive.
        r = TaskRule.For(TaskKind.Kws).Apply(Clip(1.0, [new ManifestEvent("hey", 0.1, 0.425)]), 98);
        Assert.Equal(40, Positives(r.Targets)[0]);
        Assert.Equal(40, r.Anchors[0], 9);
    }

    [Fact]
    public void OnsetIsPositiveFromSpeechStartToEndWithAnchorAtStart()
    {
        // Speech 0.3-0.6 s: a_start = (4800 - 400) / 160 = 27.5, a_end = (9600 - 400) / 160 = 57.5.
        var clip = Clip(1.0, [new ManifestEvent("speech", 0.3, 0.6)]);

        var r = TaskRule.For(TaskKind.Onset).Apply(clip, 98);

        Assert.Equal(Enumerable.Range(28, 30).ToArray(), Positives(r.Targets));
        Assert.Equal([27.5], r.Anchors);
        Assert.Equal(0.3, Assert.Single(r.Events).Anchor);
    }

    [Fact]
    public void LabelsSelectEventsAndGiveClasses()
    {
        var clip = Clip(2.0, [new ManifestEvent("yes", 0.2, 0.5), new ManifestEvent("other", 0.8, 1.0), new ManifestEvent("no", 1.2, 1.5)]);
        var rule = TaskRule.For(TaskKind.Kws, "yes", "no") with { PositiveEnd = 5 };

        var r = rule.Apply(clip, 198);

        Assert.Equal(3, rule.OutputClasses);
        Assert.Equal(Enumerable.Range(48, 5).ToArray(), Positives(r.Targets, 1));
        Assert.Equal(Enumerable.Range(148, 5).ToArray(), Positives(r.Targets, 2));
        Assert.Equal(10, r.Targets.Count(v => v != 0));
        Assert.Equal([47.5, 147.5], r.Anchors);
        Assert.Equal([1, 2], r.Events.Select(e => e.Label));
        Assert.Equal(1, TaskRule.For(TaskKind.Kws, "yes").OutputClasses);
    }

    [Fact]
    public void TriggerBehavesLikeKwsOnTheTriggerPhrase()
    {
        var clip = Clip(1.0, [new ManifestEvent("speech", 0.1, 0.8), new ManifestEvent("trigger", 0.2, 0.5)]);
        var kws = TaskRule.For(TaskKind.Kws, "trigger").Apply(clip, 98);
        var trigger = TaskRule.For(TaskKind.Trigger, "trigger").Apply(clip, 98);
        Assert.Equal(kws.Targets, trigger.Targets);
        Assert.Equal(kws.Anchors, trigger.Anchors);
    }

    [Fact]
    public void ExplicitAnchorsOverrideTheRule()
    {
        var clip = Clip(1.0, [new ManifestEvent("hey", 0.2, 0.5)], anchors: [0.45]);

        var r = TaskRule.For(TaskKind.Kws).Apply(clip, 98);

        Assert.Equal([(7200 - 400) / 160.0], r.Anchors);
        Assert.Equal(0.45, Assert.Single(r.Events).Anchor);
        Assert.Equal(Enumerable.Range(48, 30).ToArray(), Positives(r.Targets));

        var ignored = (TaskRule.For(TaskKind.Kws) with { UseExplicitAnchors = false }).Apply(clip, 98);
        Assert.Equal([47.5], ignored.Anchors);
    }

    [Fact]
    public void AnchorOutsideTheClipIsAnErrorNamingManifestAndClip()
    {
        TaskRule.CheckAnchors(Clip(1.0, [], anchors: [1.0]), "m.jsonl");
        var ex = Assert.Throws<InvalidDataException>(() => TaskRule.CheckAnchors(Clip(1.0, [], anchors: [7.0]), "m.jsonl"));
        Assert.Contains("m.jsonl: clip '", ex.Message);
        Assert.Contains("anchor 7 s lies outside the clip [0, 1] s", ex.Message);
    }

    [Fact]
    public void AnchorsWithoutEventsGiveTheirOwnPositiveWindow()
    {
        var r = TaskRule.For(TaskKind.Kws).Apply(Clip(1.0, [], anchors: [0.5]), 98);
        Assert.Equal(Enumerable.Range(48, 30).ToArray(), Positives(r.Targets));
        Assert.Equal([47.5], r.Anchors);
    }

    [Fact]
    public void ClipWithoutEventsIsAllBackgroundWithNoAnchors()
    {
        var r = TaskRule.For(TaskKind.Kws, "hey").Apply(Clip(1.0, [new ManifestEvent("other", 0.1, 0.4)]), 98);
        Assert.All(r.Targets, v => Assert.Equal(0, v));
        Assert.Empty(r.Anchors);
        Assert.Empty(r.Events);
    }

    [Fact]
    public void RuleRoundTripsThroughJsonAndValidates()
    {
        var rule = TaskRule.For(TaskKind.Onset, "speech") with { PositiveEnd = 12 };
        var back = TaskRule.FromJson(rule.ToJson());
        Assert.Equal(rule.Kind, back.Kind);
        Assert.Equal(rule.Labels, back.Labels);
        Assert.Equal(12, back.PositiveEnd);
        Assert.Contains("\"kind\": \"onset\"", rule.ToJson());
        Assert.Throws<ArgumentException>(() => (rule with { PositiveStart = 12 }).Validate());
        Assert.Throws<ArgumentException>(() => TaskRule.For(TaskKind.Kws, "a", "a").Validate());
    }

    [Fact]
    public void ARuleWrittenBeforeOneCasingStillReads()
    {
        const string old = "{\"Kind\": \"Onset\", \"Labels\": [\"speech\"], \"PositiveStart\": 0, \"PositiveEnd\": 12, \"UseExplicitAnchors\": true}";
        var rule = TaskRule.FromJson(old);
        Assert.Equal(TaskKind.Onset, rule.Kind);
        Assert.Equal(["speech"], rule.Labels);
        Assert.Equal(12, rule.PositiveEnd);
    }
}
