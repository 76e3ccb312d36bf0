using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// The streams of one manifest split, read at 16 kHz, with the events a peer is judged on: for <c>kws</c> the
/// keyword's events (anchor = keyword end, see <see cref="IsJudged"/>), for <c>onset</c> every event (anchor = its
/// start). Explicit manifest anchors override the rule, paired with the entry's events by position as in <c>sal eval</c>.
/// </summary>
public sealed class PeerTestSet
{
    /// <summary>openWakeWord needs 16 embeddings (1.28 s) plus its 5 zeroed warm-up scores before it can fire.</summary>
    public const double WarmupSeconds = 1.3;

    private PeerTestSet(IReadOnlyList<PeerClip> clips, int earlyEvents)
    {
        Clips = clips;
        EarlyEvents = earlyEvents;
    }

    public IReadOnlyList<PeerClip> Clips { get; }

    /// <summary>Events starting before <see cref="WarmupSeconds"/>: a cold openWakeWord cannot catch them.</summary>
    public int EarlyEvents { get; }

    public int EventCount => Clips.Sum(c => c.Events.Count);

    public double Hours => Clips.Sum(c => c.DurationSeconds) / 3600.0;

    /// <summary>
    /// kws: an event labelled with the keyword itself, or labelled <c>keyword</c> in a clip whose
    /// <c>meta.keyword</c> (as <c>sal synth</c> writes it) is absent or names the same keyword. onset: every event.
    /// </summary>
    public static bool IsJudged(Data.ManifestEntry entry, Data.ManifestEvent e, TaskKind task, string? normalizedKeyword)
    {
        if (task == TaskKind.Onset)
        {
            return true;
        }
        var label = NormalizeLabel(e.Label);
        if (label == normalizedKeyword)
        {
            return true;
        }
        return label == "keyword"
               && (entry.Meta is null || !entry.Meta.TryGetValue("keyword", out var k) || NormalizeLabel(k) == normalizedKeyword);
    }

    /// <summary>Keyword labels compare without case, and with '_' or '-' read as spaces ("hey_jarvis" = "Hey Jarvis").</summary>
    public static string NormalizeLabel(string label) =>
        string.Join(' ', label.Replace('_', ' ').Replace('-', ' ').ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static PeerTestSet Load(Manifest manifest, string split, TaskKind task, string? keyword,
        int? limit = null, IProgress<(int Done, int Total)>? progress = null)
    {
        if (task is not (TaskKind.Kws or TaskKind.Onset))
        {
            throw new ArgumentException($"peers cover the tasks kws and onset, not {task.Name()}");
        }
        if (task == TaskKind.Kws && string.IsNullOrWhiteSpace(keyword))
        {
            throw new ArgumentException("kws needs a keyword (e.g. \"hey jarvis\")");
        }
        var entries = manifest.Split(split);
        if (entries.Count == 0)
        {
            throw new FormatException($"{manifest.Path}: no clips in split '{split}'");
        }
        if (limit is { } n)
        {
            entries = entries.Take(n).ToList();
        }
        var wanted = keyword is null ? null : NormalizeLabel(keyword);
        var clips = new List<PeerClip>(entries.Count);
        var early = 0;
        foreach (var entry in entries)
        {
            var path = manifest.Resolve(entry.Audio);
            var audio = WavFile.Read(path);
            if (audio.Samples.Length < PeerScorer.Grid.WindowSamples)
            {
                throw new InvalidDataException($"{path}: clip '{entry.Id}' is shorter than one 25 ms frame");
            }
            var events = new List<EvalEvent>();
            for (var i = 0; i < entry.Events.Count; i++)
            {
                var e = entry.Events[i];
                if (!IsJudged(entry, e, task, wanted))
                {
                    continue;
                }
                // As in `sal eval`: explicit anchors pair with the entry's events by position.
                var anchor = entry.Anchors is { } explicitAnchors && i < explicitAnchors.Count
                    ? explicitAnchors[i]
                    : task == TaskKind.Kws ? e.End : e.Start;
                if (anchor < 0 || anchor > audio.DurationSeconds + 1e-3)
                {
                    throw new FormatException(
                        $"{manifest.Path}: clip '{entry.Id}': anchor {anchor:0.###} s outside the clip (0..{audio.DurationSeconds:0.###} s)");
                }
                early += e.Start < WarmupSeconds ? 1 : 0;
                events.Add(new EvalEvent(1, anchor, e.Start, e.End));
            }
            clips.Add(new PeerClip(entry.Id, audio.Samples, events) { NearMisses = NearMissSpan.Of(entry, manifest.Path), Conditions = StreamConditions.Of(entry) });
            progress?.Report((clips.Count, entries.Count));
        }
        return new PeerTestSet(clips, early);
    }
}
