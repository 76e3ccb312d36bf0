namespace StreamingAnchor.Data;

/// <summary>What a manifest holds, counting only its valid lines.</summary>
public sealed record ManifestSummary(
    int Lines,
    int Clips,
    double Hours,
    IReadOnlyDictionary<string, int> EventsPerLabel,
    IReadOnlyDictionary<string, int> ClipsPerSplit,
    IReadOnlyDictionary<string, double> HoursPerSplit,
    int ClipsWithAnchors,
    int ClipsWithStreams);
