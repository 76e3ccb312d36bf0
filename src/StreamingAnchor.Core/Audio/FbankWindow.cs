namespace StreamingAnchor.Audio;

/// <summary>Analysis window applied to each frame before the FFT (Kaldi's names).</summary>
public enum FbankWindow
{
    /// <summary>Kaldi's default: a Hann window raised to the power 0.85.</summary>
    Povey,
    Hamming,
    Hann,
}
