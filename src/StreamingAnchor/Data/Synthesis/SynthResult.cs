namespace StreamingAnchor.Data.Synthesis;

/// <summary>Outcome of a generation run: the manifest, clip counts, audio hours, and sources or engines that were skipped.</summary>
public sealed record SynthResult(string ManifestPath, int Clips, int ClipsReused, double Hours, IReadOnlyList<string> Warnings);
