namespace StreamingAnchor.Data.Synthesis;

/// <summary>Progress of a generation run: a stage (sources, tts, render, manifest), counts, and an optional note.</summary>
public sealed record SynthProgress(string Stage, int Done, int Total, string? Message = null);
