using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

public sealed class PeerTestSetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sal-peers-set-{Guid.NewGuid():N}");

    [Fact]
    public void KwsJudgesTheKeywordEventsWithTheirExplicitAnchorsAndOnsetJudgesEveryEvent()
    {
        var manifest = Write(
            Entry("a", "test", [new ManifestEvent("speech", 0.2, 0.9), new ManifestEvent("keyword", 1.5, 2.1)], anchors: [0.2, 2.05],
                meta: new Dictionary<string, string> { ["keyword"] = "hey jarvis" }),
            Entry("b", "test", [new ManifestEvent("Hey_Jarvis", 1.0, 1.6)]),
            Entry("c", "test", [new ManifestEvent("keyword", 1.0, 1.5)], meta: new Dictionary<string, string> { ["keyword"] = "alexa" }),
            Entry("d", "train", [new ManifestEvent("hey jarvis", 1.0, 1.5)]));

        var kws = PeerTestSet.Load(Manifest.Load(manifest), "test", TaskKind.Kws, "hey jarvis");
        Assert.Equal(["a", "b", "c"], kws.Clips.Select(c => c.Id));
        Assert.Equal(2.05, Assert.Single(kws.Clips[0].Events).Anchor);
        Assert.Equal(1.6, Assert.Single(kws.Clips[1].Events).Anchor);
        Assert.Empty(kws.Clips[2].Events); // another keyword's corpus
        Assert.Equal(1, kws.EarlyEvents); // b starts at 1.0 s, inside openWakeWord's warm-up; a at 1.5 s does not
        Assert.Equal(3.0, kws.Clips[0].DurationSeconds, 6);

        var onset = PeerTestSet.Load(Manifest.Load(manifest), "test", TaskKind.Onset, null);
        Assert.Equal([0.2, 2.05], onset.Clips[0].Events.Select(e => e.Anchor)); // explicit anchors win whatever the task
    }

    [Fact]
    public void AnAnchorOutsideTheClipNamesTheManifestAndTheClip()
    {
        var manifest = Write(Entry("late", "test", [new ManifestEvent("keyword", 1.0, 1.5)], anchors: [7.5]));
        var ex = Assert.Throws<FormatException>(() => PeerTestSet.Load(Manifest.Load(manifest), "test", TaskKind.Kws, "hey jarvis"));
        Assert.Contains("manifest.jsonl", ex.Message);
        Assert.Contains("'late'", ex.Message);
    }

    [Fact]
    public void AnEmptySplitIsAnError()
    {
        var manifest = Write(Entry("a", "train", []));
        var ex = Assert.Throws<FormatException>(() => PeerTestSet.Load(Manifest.Load(manifest), "test", TaskKind.Onset, null));
        Assert.Contains("split 'test'", ex.Message);
    }

    private ManifestEntry Entry(string id, string split, IReadOnlyList<ManifestEvent> events, IReadOnlyList<double>? anchors = null,
        IReadOnlyDictionary<string, string>? meta = null)
    {
        Directory.CreateDirectory(_dir);
        WavFile.Write(Path.Combine(_dir, $"{id}.wav"), new float[3 * 16000], 16000);
        return new ManifestEntry { Id = id, Audio = $"{id}.wav", Duration = 3.0, Split = split, Events = events, Anchors = anchors, Meta = meta };
    }

    private string Write(params ManifestEntry[] entries)
    {
        var path = Path.Combine(_dir, "manifest.jsonl");
        Manifest.Save(path, entries);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
