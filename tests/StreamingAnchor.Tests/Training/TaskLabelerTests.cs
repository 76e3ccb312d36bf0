using StreamingAnchor.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

public class TaskLabelerTests
{
    private static ManifestEntry Entry(IReadOnlyList<double>? anchors = null) => new()
    {
        Id = "x",
        Audio = "x.wav",
        Duration = 3.0,
        Events = [new ManifestEvent("keyword", 1.0, 1.5)],
        Anchors = anchors,
    };

    [Fact]
    public void KeywordAnchorIsTheEndAndTargetsFollowIt()
    {
        var labeler = new TaskLabeler("kws", ["keyword"], positiveFrames: 30);
        var (targets, anchors, events) = labeler.Label(Entry(), 298, "m.jsonl");
        // 1.5 s ends frame (24000 - 400) / 160 = 147.5.
        Assert.Equal(147.5, anchors.Single(), 9);
        Assert.Equal(30, targets.Count(t => t == 1));
        Assert.Equal(148, Array.IndexOf(targets, 1L));
        Assert.Equal(1.5, events.Single().Anchor);
        Assert.Equal(1, labeler.NumClasses);
    }

    [Fact]
    public void OnsetAnchorIsTheStartAndTargetsCoverTheEvent()
    {
        var labeler = new TaskLabeler("onset", ["keyword"]);
        var (targets, anchors, _) = labeler.Label(Entry(), 298, "m.jsonl");
        Assert.Equal(97.5, anchors.Single(), 9);
        Assert.Equal(98, Array.IndexOf(targets, 1L));
        Assert.Equal(148, Array.LastIndexOf(targets, 1L) + 1);
    }

    [Fact]
    public void ExplicitAnchorsOverrideTheRuleAndOutsideTheClipIsAnError()
    {
        var labeler = new TaskLabeler("kws", ["keyword"]);
        Assert.Equal(1.2, labeler.Label(Entry([1.2]), 298, "m.jsonl").Events.Single().Anchor);
        var ex = Assert.Throws<FormatException>(() => labeler.Label(Entry([7.0]), 298, "m.jsonl"));
        Assert.Contains("m.jsonl: x: anchor 7 s outside the clip", ex.Message);
    }

    [Fact]
    public void SeveralLabelsBecomeSoftmaxClasses()
    {
        var labeler = new TaskLabeler("kws", ["alpha", "keyword"]);
        Assert.Equal(3, labeler.NumClasses);
        Assert.Equal(2, labeler.Label(Entry(), 298, "m.jsonl").Events.Single().Label);
    }
}
