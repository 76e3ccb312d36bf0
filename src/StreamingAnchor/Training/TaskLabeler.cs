using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Training;

/// <summary>
/// The task rules that turn a manifest entry's events into frame targets, anchors and evaluation events.
/// kws / trigger: anchor = event end, positive for <see cref="PositiveFrames"/> frames from it; onset: anchor = event
/// start, positive from start to end. Explicit manifest anchors (one per event, in order) override the rule's anchor.
/// </summary>
public sealed class TaskLabeler
{
    public TaskLabeler(string task, IReadOnlyList<string> labels, int positiveFrames = 30)
    {
        Task = task.ToLowerInvariant();
        Labels = labels;
        PositiveFrames = positiveFrames;
    }

    public string Task { get; }

    /// <summary>Event labels in class order (class k + 1 is Labels[k]).</summary>
    public IReadOnlyList<string> Labels { get; }

    public int PositiveFrames { get; }

    /// <summary>C of the model: 1 (sigmoid) for a single label, else background plus one class per label.</summary>
    public int NumClasses => Labels.Count <= 1 ? 1 : Labels.Count + 1;

    /// <summary>Distinct event labels of the entries, sorted.</summary>
    public static IReadOnlyList<string> LabelsOf(IEnumerable<ManifestEntry> entries) =>
        entries.SelectMany(e => e.Events.Select(v => v.Label)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The fractional frame that ends at <paramref name="seconds"/> (docs/architecture.md).</summary>
    public static double FrameOf(double seconds) => (16000 * seconds - 400) / 160;

    public (long[] Targets, double[] Anchors, IReadOnlyList<EvalEvent> Events) Label(ManifestEntry entry, int frames, string manifestPath)
    {
        var targets = new long[frames];
        var anchors = new List<double>();
        var events = new List<EvalEvent>();
        for (var i = 0; i < entry.Events.Count; i++)
        {
            var e = entry.Events[i];
            var index = IndexOf(e.Label);
            if (index < 0)
            {
                continue; // a label the model was not trained on is background for it
            }
            var label = Labels.Count <= 1 ? 1 : index + 1;
            var ruleAnchor = Task == "onset" ? e.Start : e.End;
            var anchor = entry.Anchors is { } explicitAnchors && i < explicitAnchors.Count ? explicitAnchors[i] : ruleAnchor;
            if (anchor < 0 || anchor > entry.Duration + 1e-6)
            {
                throw new FormatException($"{manifestPath}: {entry.Id}: anchor {anchor:0.###} s outside the clip (0-{entry.Duration:0.###} s)");
            }
            var a = FrameOf(anchor);
            anchors.Add(a);
            events.Add(new EvalEvent(label, anchor, e.Start, e.End));
            int from, to;
            if (Task == "onset")
            {
                from = (int)Math.Ceiling(FrameOf(e.Start));
                to = (int)Math.Ceiling(FrameOf(e.End));
            }
            else
            {
                from = (int)Math.Ceiling(a);
                to = from + PositiveFrames;
            }
            for (var t = Math.Max(0, from); t < Math.Min(frames, to); t++)
            {
                targets[t] = label;
            }
        }
        return (targets, anchors.ToArray(), events);
    }

    private int IndexOf(string label)
    {
        for (var i = 0; i < Labels.Count; i++)
        {
            if (string.Equals(Labels[i], label, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
