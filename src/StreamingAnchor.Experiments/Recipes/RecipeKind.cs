namespace StreamingAnchor.Recipes;

/// <summary>What `sal recipe` builds: a keyword spotter for a typed keyword, or a speech-onset detector.</summary>
public enum RecipeKind
{
    Kws,
    Onset,
}
