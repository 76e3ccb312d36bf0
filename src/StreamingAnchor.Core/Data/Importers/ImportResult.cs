namespace StreamingAnchor.Data.Importers;

/// <summary>Manifest entries an importer produced, plus what it skipped and why (one line each).</summary>
public sealed record ImportResult(IReadOnlyList<ManifestEntry> Entries, IReadOnlyList<string> Skipped)
{
    /// <summary>Noise entries found alongside (Speech Commands' <c>_background_noise_</c>), empty otherwise.</summary>
    public IReadOnlyList<ManifestEntry> Noise { get; init; } = [];
}
