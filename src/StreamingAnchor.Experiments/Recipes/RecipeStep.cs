namespace StreamingAnchor.Recipes;

/// <summary>One stage of a recipe as run: the stage and, for mining and fine-tuning, its round (1-based; 0 otherwise).</summary>
public sealed record RecipeStep(RecipeStage Stage, int Round = 0)
{
    /// <summary>synth, train, mine-1, finetune-1, ..., eval, export: the stage's record file and its line in the summary.</summary>
    public string Name => Round > 0 ? $"{Stage.ToString().ToLowerInvariant()}-{Round}" : Stage.ToString().ToLowerInvariant();

    /// <summary>The steps of a recipe with <paramref name="mineRounds"/> rounds of mining and fine-tuning.</summary>
    public static IReadOnlyList<RecipeStep> All(int mineRounds)
    {
        var steps = new List<RecipeStep> { new(RecipeStage.Synth), new(RecipeStage.Train) };
        for (var round = 1; round <= mineRounds; round++)
        {
            steps.Add(new RecipeStep(RecipeStage.Mine, round));
            steps.Add(new RecipeStep(RecipeStage.FineTune, round));
        }
        steps.Add(new RecipeStep(RecipeStage.Eval));
        steps.Add(new RecipeStep(RecipeStage.Export));
        return steps;
    }
}
