namespace StreamingAnchor.Data.Synthesis;

/// <summary>A corpus ready to render: its output folder, the plans, the renderer, and warnings about skipped sources.</summary>
public sealed record PreparedCorpus(string OutputDirectory, IReadOnlyList<ClipPlan> Plans, ClipRenderer Renderer, IReadOnlyList<string> Warnings);
