using System.Text.Json.Serialization;

namespace StreamingAnchor.Audio;

/// <summary>
/// Analysis window applied to each frame before the FFT (Kaldi's names). Files write it in camelCase
/// (<see cref="ProjectJson"/>); the type's own converter keeps <see cref="FbankConfig.Fingerprint"/> as it was.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<FbankWindow>))]
public enum FbankWindow
{
    /// <summary>Kaldi's default: a Hann window raised to the power 0.85.</summary>
    Povey,
    Hamming,
    Hann,
}
