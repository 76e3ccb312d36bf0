using System.Globalization;

namespace StreamingAnchor.Data;

/// <summary>
/// Where a stream speaks a near miss of its keyword (one phoneme away, a word of it alone, a rhyme: the generator's
/// confusables), in seconds. `sal synth` writes them to <c>meta.near_miss</c> as <c>start-end</c> pairs joined by
/// ',', so an evaluation can tell false alarms on near misses from false alarms on everything else.
/// </summary>
public sealed record NearMissSpan(double Start, double End)
{
    public const string MetaKey = "near_miss";

    /// <summary>The spans in <paramref name="entry"/>'s meta (none when the key is absent, as in corpora made before it).</summary>
    public static IReadOnlyList<NearMissSpan> Of(ManifestEntry entry, string manifestPath) =>
        TryParse(entry, out var spans, out var problem)
            ? spans
            : throw new FormatException($"{manifestPath}: clip '{entry.Id}': {problem}");

    /// <summary>Parses <c>meta.near_miss</c>; on failure <paramref name="problem"/> says which pair and what was expected.</summary>
    public static bool TryParse(ManifestEntry entry, out IReadOnlyList<NearMissSpan> spans, out string problem)
    {
        ArgumentNullException.ThrowIfNull(entry);
        spans = [];
        problem = "";
        if (entry.Meta is null || !entry.Meta.TryGetValue(MetaKey, out var joined) || joined.Length == 0)
        {
            return true;
        }
        var list = new List<NearMissSpan>();
        foreach (var part in joined.Split(','))
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
        spans = list;
        return true;
    }

    /// <summary>The meta value for <paramref name="spans"/> (round-trip precision, invariant culture).</summary>
    public static string Format(IEnumerable<NearMissSpan> spans) =>
        string.Join(',', spans.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Start:R}-{s.End:R}")));
}
