namespace StreamingAnchor.Recipes;

/// <summary>What a <see cref="RecipeProgress"/> report says about its step.</summary>
public enum RecipeEvent
{
    /// <summary>The step starts (its number and the total are in the report).</summary>
    Started,

    /// <summary>Work inside the step: <see cref="RecipeProgress.Topic"/> names what, Done/Total how far.</summary>
    Working,

    /// <summary>A line worth keeping (an epoch's result, a mining round, a warning).</summary>
    Note,

    /// <summary>The step finished now, in <see cref="RecipeProgress.Seconds"/>.</summary>
    Finished,

    /// <summary>The step had finished in an earlier run with the same settings and is not run again.</summary>
    Skipped,
}
