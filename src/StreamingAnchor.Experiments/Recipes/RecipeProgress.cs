namespace StreamingAnchor.Recipes;

/// <summary>
/// One progress report of a recipe: which step (number <see cref="Index"/> of <see cref="Steps"/>), what happened, and
/// for <see cref="RecipeEvent.Working"/> how far the step's current piece of work (<see cref="Topic"/>) is.
/// </summary>
public sealed record RecipeProgress(
    RecipeStep Step,
    int Index,
    int Steps,
    RecipeEvent Event,
    string Message,
    string Topic = "",
    int Done = 0,
    int Total = 0,
    double Seconds = 0);
