namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A corpus ready to render: its output folder, the plans, the renderer, warnings about skipped sources, and the
/// fetcher of real sources (null when none are used), which records recordings it could not decode.
/// </summary>
public sealed record PreparedCorpus(string OutputDirectory, IReadOnlyList<ClipPlan> Plans, ClipRenderer Renderer, IReadOnlyList<string> Warnings,
    SourceFetcher? Sources = null);
