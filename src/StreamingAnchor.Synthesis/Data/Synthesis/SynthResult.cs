namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Outcome of a generation run: the manifest, clip counts (reused from an earlier run as they were; regenerated because
/// a file they had written was missing or changed on disk), audio hours, and sources or engines that were skipped.
/// </summary>
public sealed record SynthResult(string ManifestPath, int Clips, int ClipsReused, double Hours, IReadOnlyList<string> Warnings,
    int ClipsRegenerated = 0, SynthTimings? Timings = null);
