namespace StreamingAnchor.Recipes;

/// <summary>A step of a finished recipe: its record, and whether this run skipped it (finished by an earlier run).</summary>
public sealed record RecipeStageResult(RecipeStep Step, RecipeStageRecord Record, bool Skipped);
