namespace StreamingAnchor.Models;

/// <summary>A size preset of every family (<see cref="ModelPreset"/> holds the numbers); the "preset" of a model config.</summary>
public enum ModelSize
{
    /// <summary>About 30k parameters at 40 inputs.</summary>
    Small,

    /// <summary>About 100k parameters.</summary>
    Medium,

    /// <summary>About 300k parameters.</summary>
    Large,
}
