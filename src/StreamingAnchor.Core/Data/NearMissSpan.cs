using System.Globalization;

namespace StreamingAnchor.Data;

/// <summary>
/// Where a stream speaks a near miss of its keyword (one phoneme away, a word of it alone, a rhyme: the generator's
/// confusables), in seconds. `sal synth` writes them to <c>meta.near_miss</c> as <c>start-end</c> pairs joined by
/// ',', so an evaluation can tell false alarms on near misses from false alarms on everything else, and their kinds
/// (<see cref="NearMissKind"/>) to <c>meta.near_miss_kind</c>, names joined by ',' in the same order, so it can also
/// tell which kinds fire.
/// </summary>
public sealed record NearMissSpan(double Start, double End)
{
    public const string MetaKey = "near_miss";

    public const string KindMetaKey = "near_miss_kind";

    /// <summary>How the near miss differs from the keyword; null in corpora made before kinds were written.</summary>
    public NearMissKind? Kind { get; init; }

    /// <summary>The spans in <paramref name="entry"/>'s meta (none when the key is absent, as in corpora made before it).</summary>
    public static IReadOnlyList<NearMissSpan> Of(ManifestEntry entry, string manifestPath) =>
        TryParse(entry, out var spans, out var problem)
            ? spans
            : throw new FormatException($"{manifestPath}: clip '{entry.Id}': {problem}");

    /// <summary>
    /// Parses <c>meta.near_miss</c> and, when present, <c>meta.near_miss_kind</c>; on failure <paramref name="problem"/>
    /// says which pair or name and what was expected.
    /// </summary>
    public static bool TryParse(ManifestEntry entry, out IReadOnlyList<NearMissSpan> spans, out string problem)
    {
        ArgumentNullException.ThrowIfNull(entry);
        spans = [];
        problem = "";
        if (entry.Meta is null)
        {
            return true;
        }
        var list = new List<NearMissSpan>();
        var joined = entry.Meta.GetValueOrDefault(MetaKey, "");
        foreach (var part in joined.Length == 0 ? Array.Empty<string>() : joined.Split(','))
        {
            var dash = part.Length > 1 ? part.IndexOf('-', 1) : -1;
            if (dash < 0
                || !double.TryParse(part[..dash], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                || !double.TryParse(part[(dash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var end)
                || !double.IsFinite(start) || !double.IsFinite(end) || start < 0 || end < start || end > entry.Duration + 1e-3)
            {
                problem = $"meta.{MetaKey} holds '{part}', expected start-end in seconds with 0 <= start <= end <= the clip's duration "
                          + $"({entry.Duration.ToString("0.###", CultureInfo.InvariantCulture)} s), pairs joined by ','";
                return false;
            }
            list.Add(new NearMissSpan(start, end));
        }
        if (entry.Meta.TryGetValue(KindMetaKey, out var kinds) && kinds.Length > 0)
        {
            var names = kinds.Split(',');
            if (names.Length != list.Count)
            {
                problem = $"meta.{KindMetaKey} holds {names.Length} kind(s) ('{kinds}'), expected one per span of meta.{MetaKey} ({list.Count}), names joined by ','";
                return false;
            }
            for (var i = 0; i < names.Length; i++)
            {
                if (!EnumNames.TryParse<NearMissKind>(names[i], out var kind))
                {
                    problem = $"meta.{KindMetaKey} holds '{names[i]}', expected {EnumNames.Expected<NearMissKind>()}, names joined by ','";
                    return false;
                }
                list[i] = list[i] with { Kind = kind };
            }
        }
        spans = list;
        return true;
    }

    /// <summary>The <c>near_miss</c> meta value for <paramref name="spans"/> (round-trip precision, invariant culture).</summary>
    public static string Format(IEnumerable<NearMissSpan> spans) =>
        string.Join(',', spans.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Start:R}-{s.End:R}")));

    /// <summary>The <c>near_miss_kind</c> meta value: the kinds' names in the order of their spans.</summary>
    public static string FormatKinds(IEnumerable<NearMissKind> kinds) => string.Join(',', kinds.Select(k => k.Name()));
}
