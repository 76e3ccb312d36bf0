namespace StreamingAnchor.Evaluation;

/// <summary>
/// Outcome of matching one stream's detections to its events: each event is hit at most once (by its first
/// detection in window); <see cref="Latencies"/> are detection time minus anchor of each hit, in seconds.
/// </summary>
public sealed record MatchResult(int Events, int Hits, int FalseAlarms, int Ignored, IReadOnlyList<double> Latencies)
{
    public int Misses => Events - Hits;
}
