namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// What a real recording source contributes: speech (negatives, onsets), music (beds under speech, long negatives)
/// or noise (ambience and effects beds).
/// </summary>
public enum RealSourceKind
{
    Speech,
    Noise,
    Music,
}
