namespace StreamingAnchor.Data;

/// <summary>How strictly <see cref="ManifestChecker"/> looks at each line.</summary>
public sealed record ManifestCheckOptions
{
    /// <summary>Decode every audio file completely (finds NaN samples), not only its header.</summary>
    public bool DecodeAudio { get; init; }

    /// <summary>Allowed gap in seconds between the manifest duration and the audio's real duration.</summary>
    public double DurationTolerance { get; init; } = 0.05;

    /// <summary>Allowed difference in frames between an extra stream and the audio's frame count.</summary>
    public int StreamFrameTolerance { get; init; } = 2;
}
