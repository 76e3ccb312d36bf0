namespace StreamingAnchor.Evaluation;

/// <summary>When a detection counts as a hit: it falls in [anchor - Before, anchor + After] of an event of its class.</summary>
public sealed record MatchConfig
{
    public double BeforeSeconds { get; init; } = 0.5;

    public double AfterSeconds { get; init; } = 1.0;

    /// <summary>
    /// Speech onset: a detection that is not a hit but falls inside an event's interval (up to its end plus After)
    /// is the device staying in its "speech" state, not a false onset, so it is ignored instead of counted.
    /// </summary>
    public bool IgnoreInsideEvents { get; init; }

    public void Validate()
    {
        if (!double.IsFinite(BeforeSeconds) || !double.IsFinite(AfterSeconds) || BeforeSeconds + AfterSeconds < 0)
        {
            throw new ArgumentException($"hit window [-{BeforeSeconds}, +{AfterSeconds}] s is empty or not finite");
        }
    }
}
