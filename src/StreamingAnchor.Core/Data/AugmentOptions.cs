namespace StreamingAnchor.Data;

/// <summary>
/// Seeded augmentation, each part optional (probability 0 or count 0 turns it off). Noise and speed work on the
/// waveform (the window's audio is re-read and its features recomputed); gain, time shift and SpecAugment work on
/// features. Event times follow every change, so targets and anchors stay exact.
/// </summary>
public sealed record AugmentOptions
{
    /// <summary>Manifest of noise recordings (any length; looped and cropped at random); noise is off without one.</summary>
    public string? NoiseManifest { get; init; }

    public double NoiseProbability { get; init; } = 0.5;
    public double SnrMinDb { get; init; } = 0;
    public double SnrMaxDb { get; init; } = 20;

    /// <summary>Gain in dB, uniform in [min, max]; applied to the log-mel columns as + 2 ln g (exact above the log floor).</summary>
    public double GainProbability { get; init; }
    public double GainMinDb { get; init; } = -6;
    public double GainMaxDb { get; init; } = 6;

    /// <summary>Uniform shift in [-max, max] frames: positive delays the audio (leading copies of the first frame), negative drops frames.</summary>
    public int MaxShiftFrames { get; init; }

    /// <summary>Speed perturbation (tempo and pitch, like Kaldi's), factor uniform in [min, max].</summary>
    public double SpeedProbability { get; init; }
    public double SpeedMin { get; init; } = 0.9;
    public double SpeedMax { get; init; } = 1.1;

    /// <summary>
    /// Vocal tract length perturbation on the log-mel bins (<see cref="Audio.MelWarp"/>), factor uniform in [min, max]:
    /// a cheap stand-in for more speakers, since it needs no audio re-read.
    /// </summary>
    public double WarpProbability { get; init; }
    public double WarpMin { get; init; } = 0.9;
    public double WarpMax { get; init; } = 1.1;

    /// <summary>SpecAugment: masks of up to N consecutive frames / mel bins set to 0 after normalisation (the mean).</summary>
    public int TimeMasks { get; init; }
    public int TimeMaskMaxFrames { get; init; } = 10;
    public int FreqMasks { get; init; }
    public int FreqMaskMaxBins { get; init; } = 8;

    public static AugmentOptions None { get; } = new();

    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"augmentation: {message}");
            }
        }
        foreach (var (name, p) in new[] { ("noiseProbability", NoiseProbability), ("gainProbability", GainProbability),
                     ("speedProbability (--speed)", SpeedProbability), ("warpProbability (--warp)", WarpProbability) })
        {
            Check(p is >= 0 and <= 1, $"{name} must be a probability in [0, 1], got {p}");
        }
        Check(SnrMaxDb >= SnrMinDb && GainMaxDb >= GainMinDb, "ranges must have max >= min");
        Check(SpeedMin > 0.5 && SpeedMax < 2 && SpeedMax >= SpeedMin, $"speed range [{SpeedMin}, {SpeedMax}] must lie inside (0.5, 2)");
        Check(WarpMin > 0.5 && WarpMax < 2 && WarpMax >= WarpMin, $"warp range [{WarpMin}, {WarpMax}] must lie inside (0.5, 2)");
        Check(MaxShiftFrames >= 0 && TimeMasks >= 0 && FreqMasks >= 0 && TimeMaskMaxFrames >= 0 && FreqMaskMaxBins >= 0,
            "counts and sizes must be non-negative");
    }
}
