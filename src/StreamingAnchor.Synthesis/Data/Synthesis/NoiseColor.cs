namespace StreamingAnchor.Data.Synthesis;

/// <summary>Spectral colour of generated noise: flat, -3 dB/octave, -6 dB/octave.</summary>
public enum NoiseColor
{
    White,
    Pink,
    Brown,
}
