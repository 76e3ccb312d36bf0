using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class SplitAssignerTests
{
    [Fact]
    public void SplitAssignmentIsDisjointAndCoversDevAndTest()
    {
        var keys = Enumerable.Range(0, 40).Select(i => $"noise:{i}").ToList();
        var split = SplitAssigner.Assign(keys);
        Assert.Equal(40, split.Count);
        Assert.Contains("dev", split.Values);
        Assert.Contains("test", split.Values);
        Assert.Equal(split, SplitAssigner.Assign(Enumerable.Reverse(keys)));
    }

    [Fact]
    public void SpeakersCoverEverySplitEvenWithOneEngine()
    {
        foreach (var engine in new ITtsEngine[] { new FliteEngine(), new FestivalEngine() })
        {
            var voices = engine.Voices();
            if (voices.Select(v => v.Speaker).Distinct().Count() < 3)
            {
                continue;
            }
            var split = SplitAssigner.AssignSpeakers(voices);
            Assert.Equal(["dev", "test", "train"], split.Values.Distinct().Order());
        }
        var all = new FliteEngine().Voices().Concat(new FestivalEngine().Voices()).ToList();
        var both = SplitAssigner.AssignSpeakers(all);
        if (both.ContainsKey("ked"))
        {
            // All engines present: the hand placement holds (SLT, the one female speaker, shared by flite and
            // festival HTS, trains; KED, festival only, is the unseen test speaker).
            Assert.Equal("train", both["slt"]);
            Assert.Equal("train", both["kal"]);
            Assert.Equal("dev", both["rms"]);
            Assert.Equal("test", both["ked"]);
        }
    }
}
