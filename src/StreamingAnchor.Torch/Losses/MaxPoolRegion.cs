namespace StreamingAnchor.Losses;

/// <summary>Where the maxpool loss looks for a positive sequence's peak.</summary>
public enum MaxPoolRegion
{
    /// <summary>Frames labelled with the class.</summary>
    Targets,

    /// <summary>The whole sequence.</summary>
    Sequence,
}
