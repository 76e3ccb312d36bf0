namespace StreamingAnchor.Recipes;

/// <summary>
/// A finished step, written atomically to <c>.recipe/&lt;step&gt;.json</c> in the output folder when it completes: its key
/// (<see cref="RecipeConfig.StepKey"/>), wall time, a one-line summary and what it produced or chose (a file or run folder, relative
/// to the output folder). A rerun skips a step whose record holds the same key.
/// </summary>
public sealed record RecipeStageRecord(string Step, string Key, double Seconds, string Summary, string? Output = null);
