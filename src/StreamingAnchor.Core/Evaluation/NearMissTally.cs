using StreamingAnchor.Data;

namespace StreamingAnchor.Evaluation;

/// <summary>Near misses of one kind and how many of them drew at least one false alarm.</summary>
public sealed record NearMissTally(NearMissKind Kind, int NearMisses, int Fired)
{
    /// <summary>Share of these near misses that fired (0 when there are none).</summary>
    public double AcceptRate => NearMisses == 0 ? 0 : (double)Fired / NearMisses;

    /// <summary>
    /// Tallies of the spans whose kind is known, <paramref name="fired"/> aligned with <paramref name="spans"/>: one per
    /// kind present, in the enum's order, so reports and files list the kinds the same way every time.
    /// </summary>
    public static IReadOnlyList<NearMissTally> Of(IReadOnlyList<NearMissSpan> spans, IReadOnlyList<bool> fired) =>
        spans.Select((s, j) => (s.Kind, Fired: fired[j])).Where(x => x.Kind is not null)
            .GroupBy(x => x.Kind!.Value).OrderBy(g => g.Key)
            .Select(g => new NearMissTally(g.Key, g.Count(), g.Count(x => x.Fired))).ToList();

    /// <summary>Tallies summed kind by kind (over streams), in the enum's order.</summary>
    public static IReadOnlyList<NearMissTally> Sum(IEnumerable<IReadOnlyList<NearMissTally>> tallies) =>
        tallies.SelectMany(t => t).GroupBy(t => t.Kind).OrderBy(g => g.Key)
            .Select(g => new NearMissTally(g.Key, g.Sum(t => t.NearMisses), g.Sum(t => t.Fired))).ToList();
}
