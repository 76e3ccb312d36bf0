namespace StreamingAnchor.Evaluation;

/// <summary>
/// Outcome of matching one stream's detections to its events: each event is hit at most once (by its first
/// detection in window); <see cref="Latencies"/> are detection time minus anchor of each hit, in seconds.
/// </summary>
public sealed record MatchResult(int Events, int Hits, int FalseAlarms, int Ignored, IReadOnlyList<double> Latencies)
{
    /// <summary>False alarms (counted in <see cref="FalseAlarms"/> too) that fell on a near miss of the keyword.</summary>
    public int NearMissAlarms { get; init; }

    /// <summary>Near-miss phrases in the stream, and how many of them drew at least one false alarm.</summary>
    public int NearMisses { get; init; }

    public int NearMissesFired { get; init; }

    /// <summary>The near misses and those fired, per kind (kinds present, in enum order); empty when kinds are unknown.</summary>
    public IReadOnlyList<NearMissTally> NearMissesByKind { get; init; } = [];

    public int Misses => Events - Hits;
}
