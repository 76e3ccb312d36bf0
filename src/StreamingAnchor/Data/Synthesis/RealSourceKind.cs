namespace StreamingAnchor.Data.Synthesis;

/// <summary>What a real recording source contributes: speech (negatives, onsets) or noise beds.</summary>
public enum RealSourceKind
{
    Speech,
    Noise,
}
