namespace StreamingAnchor.Data;

/// <summary>A stretch of one clip that becomes one batch row: frames [Start, Start + Length) of clip ClipIndex.</summary>
public readonly record struct TrainingUnit(int ClipIndex, int Start, int Length, bool Whole);
