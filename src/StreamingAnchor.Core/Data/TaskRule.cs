using System.Text.Json;
using StreamingAnchor.Anchors;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Data;

/// <summary>
/// Turns a clip's events into frame targets and anchors (docs/data.md, "Task rules").
/// <list type="bullet">
/// <item>Kws / Trigger: for an event ending at frame a = <see cref="Clock"/>.TimeToFrame(end) (the frame that ends there), frames
/// t in [ceil(a) + PositiveStart, ceil(a) + PositiveEnd) are positive; the anchor is a (the keyword end).</item>
/// <item>Onset: frames whose end time lies in [start, end] are positive (ceil(a_start) .. floor(a_end)); the anchor is
/// a_start.</item>
/// </list>
/// Only events whose label is in <see cref="Labels"/> count (class = position + 1); with no labels every event is
/// class 1. Explicit manifest anchors replace the rule's anchors; a clip with explicit anchors and no matching event
/// gets the Kws/Trigger positive window after each anchor (class 1).
/// </summary>
public sealed record TaskRule
{
    public TaskKind Kind { get; init; } = TaskKind.Kws;

    /// <summary>Event labels that are positive, in class order (class = index + 1). Empty: every event is class 1.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Kws/Trigger: first positive frame, relative to the first frame ending at or after the keyword end.</summary>
    public int PositiveStart { get; init; }

    /// <summary>Kws/Trigger: end (exclusive) of the positive window, relative like <see cref="PositiveStart"/>.</summary>
    public int PositiveEnd { get; init; } = 30;

    /// <summary>Whether manifest <c>anchors</c> override the rule's anchors.</summary>
    public bool UseExplicitAnchors { get; init; } = true;

    /// <summary>The frame grid targets and anchors are placed on: the front end's (FeatureDataset refuses any other).</summary>
    public FrameClock Clock { get; init; } = FrameClock.Default;

    /// <summary>Positive classes K.</summary>
    public int PositiveClasses => Math.Max(1, Labels.Count);

    /// <summary>Model output size C: 1 (sigmoid) for a single class, K + 1 (softmax) otherwise.</summary>
    public int OutputClasses => PositiveClasses == 1 ? 1 : PositiveClasses + 1;

    public static TaskRule For(TaskKind kind, params string[] labels) => new() { Kind = kind, Labels = labels };

    public void Validate()
    {
        if (PositiveEnd <= PositiveStart)
        {
            throw new ArgumentException($"task rule: positive window [{PositiveStart}, {PositiveEnd}) is empty");
        }
        if (Labels.Any(string.IsNullOrWhiteSpace) || Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count)
        {
            throw new ArgumentException("task rule: labels must be non-empty and distinct");
        }
    }

    /// <summary>Class of an event label, 0 when the rule ignores it.</summary>
    public int ClassOf(string label)
    {
        if (Labels.Count == 0)
        {
            return 1;
        }
        for (var i = 0; i < Labels.Count; i++)
        {
            if (string.Equals(Labels[i], label, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }
        return 0;
    }

    /// <summary>Throws a one-line error naming the manifest and clip when an explicit anchor lies outside the clip.</summary>
    public static void CheckAnchors(ManifestEntry entry, string manifestPath)
    {
        foreach (var a in entry.Anchors ?? [])
        {
            if (a < 0 || a > entry.Duration + 1e-6)
            {
                throw new InvalidDataException($"{manifestPath}: clip '{entry.Id}': anchor {a:0.###} s lies outside the clip [0, {entry.Duration:0.###}] s");
            }
        }
    }

    /// <summary>Targets over <paramref name="frames"/> frames, anchors in frames and events in seconds for one clip.</summary>
    public LabeledTargets Apply(ManifestEntry entry, int frames)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var targets = new long[frames];
        var anchors = new List<double>();
        var events = new List<EvalEvent>();
        foreach (var ev in entry.Events.OrderBy(e => e.Start))
        {
            var cls = ClassOf(ev.Label);
            if (cls == 0)
            {
                continue;
            }
            if (Kind == TaskKind.Onset)
            {
                var a = Clock.TimeToFrame(ev.Start);
                Fill(targets, Ceil(a), Floor(Clock.TimeToFrame(ev.End)) + 1, cls);
                anchors.Add(a);
                events.Add(new EvalEvent(cls, ev.Start, ev.Start, ev.End));
            }
            else
            {
                var a = Clock.TimeToFrame(ev.End);
                FillWindow(targets, a, cls);
                anchors.Add(a);
                events.Add(new EvalEvent(cls, ev.End, ev.Start, ev.End));
            }
        }
        if (UseExplicitAnchors && entry.Anchors is { Count: > 0 } explicitAnchors)
        {
            var explicitFrames = explicitAnchors.Select(Clock.TimeToFrame).ToList();
            if (events.Count == 0)
            {
                foreach (var (a, seconds) in explicitFrames.Zip(explicitAnchors))
                {
                    if (Kind == TaskKind.Onset)
                    {
                        Fill(targets, Ceil(a), frames, 1);
                    }
                    else
                    {
                        FillWindow(targets, a, 1);
                    }
                    events.Add(new EvalEvent(1, seconds, seconds, seconds));
                }
            }
            else if (explicitAnchors.Count == events.Count)
            {
                // One explicit anchor per selected event, in time order: they move the evaluation anchors too.
                for (var i = 0; i < events.Count; i++)
                {
                    events[i] = events[i] with { Anchor = explicitAnchors[i] };
                }
            }
            anchors = explicitFrames;
        }
        return new LabeledTargets(targets, [.. anchors], events);
    }

    private void FillWindow(long[] targets, double anchorFrame, int cls)
    {
        var first = Ceil(anchorFrame);
        Fill(targets, first + PositiveStart, first + PositiveEnd, cls);
    }

    // Times like 0.41 s land a hair off their exact frame in floating point; a tolerance keeps boundaries stable.
    private static int Ceil(double frame) => (int)Math.Ceiling(frame - 1e-6);

    private static int Floor(double frame) => (int)Math.Floor(frame + 1e-6);

    private static void Fill(long[] targets, int from, int to, int cls)
    {
        for (var t = Math.Max(0, from); t < Math.Min(targets.Length, to); t++)
        {
            targets[t] = cls;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, ProjectJson.Options);

    /// <summary>Parses strictly, keys in any case (rules written before one casing were PascalCase); <paramref name="file"/> names the source in error messages.</summary>
    public static TaskRule FromJson(string json, string file = "task rule") =>
        StrictJson.Deserialize<TaskRule>(json, ProjectJson.StrictAnyCase, file, "task rule");
}
