namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A corpus ready to render: its output folder, the plans, the renderer, warnings about skipped sources, and the
/// fetcher of real sources (null when none are used), which records recordings it could not decode. For a shard,
/// <see cref="Plans"/> holds only its part: <see cref="PlannedClips"/> is the size of the whole plan and
/// <see cref="PlanIndices"/> the positions of this part's plans in it.
/// </summary>
public sealed record PreparedCorpus(string OutputDirectory, IReadOnlyList<ClipPlan> Plans, ClipRenderer Renderer, IReadOnlyList<string> Warnings,
    SourceFetcher? Sources, int PlannedClips, IReadOnlyList<int> PlanIndices, SynthTimings Timings);
