using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace StreamingAnchor.Audio;

/// <summary>
/// Log-mel filterbank front end, following Kaldi's <c>compute-fbank-feats</c> (see docs/data.md): per frame of
/// <see cref="WindowSamples"/> samples every <see cref="HopSamples"/> (snip-edges), remove the DC offset, pre-emphasise,
/// window, zero-pad to <see cref="FftSize"/>, power spectrum, triangular mel filters (mel = 1127 ln(1 + f/700)) over
/// FFT bins [0, FftSize/2), natural log floored at <see cref="LogFloor"/>. No dither, so features are deterministic.
/// </summary>
public sealed record FbankConfig
{
    /// <summary>The device contract's input rate: audio is 16 kHz mono inside the library, resampled on read.</summary>
    public const int DeviceSampleRate = 16000;

    // The default frame geometry, the one place it is written down (Anchors/FrameClock.Default reads it from here).
    public int SampleRate { get; init; } = DeviceSampleRate;
    public int WindowSamples { get; init; } = 400;
    public int HopSamples { get; init; } = 160;
    public int FftSize { get; init; } = 512;
    public int MelBins { get; init; } = 40;
    public double LowFreq { get; init; } = 20;

    /// <summary>Upper edge of the mel filters in Hz; zero or negative means Nyquist plus this value (Kaldi).</summary>
    public double HighFreq { get; init; }

    public float PreEmphasis { get; init; } = 0.97f;
    public bool RemoveDcOffset { get; init; } = true;

    public FbankWindow Window { get; init; } = FbankWindow.Povey;

    /// <summary>Samples in [-1, 1] are multiplied by this first, so values match Kaldi on 16-bit audio.</summary>
    public float SampleScale { get; init; } = 32768f;

    /// <summary>Mel energies are floored here before the log (Kaldi uses float epsilon).</summary>
    public float LogFloor { get; init; } = 1.1920929e-7f;

    /// <summary>Frames in a clip of <paramref name="samples"/> samples (snip-edges: only whole windows).</summary>
    public int FrameCount(long samples) => SnipEdgesFrames(samples, WindowSamples, HopSamples);

    /// <summary>The snip-edges rule itself, shared with Anchors/FrameClock (which cannot be used from here).</summary>
    internal static int SnipEdgesFrames(long samples, int windowSamples, int hopSamples) =>
        samples < windowSamples ? 0 : (int)(1 + ((samples - windowSamples) / hopSamples));

    /// <summary>Upper mel edge in Hz after applying the Kaldi convention for non-positive values.</summary>
    public double EffectiveHighFreq => HighFreq > 0 ? HighFreq : (SampleRate / 2.0) + HighFreq;

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line reason when the settings cannot work.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"fbank config: {message}");
            }
        }
        Check(SampleRate > 0, $"sample rate must be positive, got {SampleRate}");
        Check(WindowSamples > 0 && HopSamples > 0 && HopSamples <= WindowSamples,
            $"window ({WindowSamples}) and hop ({HopSamples}) must be positive, hop at most the window");
        Check(FftSize >= WindowSamples && (FftSize & (FftSize - 1)) == 0, $"FFT size {FftSize} must be a power of two >= the window ({WindowSamples})");
        Check(MelBins > 0, $"mel bins must be positive, got {MelBins}");
        Check(LowFreq >= 0 && EffectiveHighFreq > LowFreq && EffectiveHighFreq <= SampleRate / 2.0,
            $"mel range [{LowFreq}, {EffectiveHighFreq}] Hz must lie inside [0, {SampleRate / 2}]");
        Check(PreEmphasis is >= 0 and <= 1, $"pre-emphasis must be in [0, 1], got {PreEmphasis}");
        Check(LogFloor > 0 && float.IsFinite(SampleScale) && SampleScale > 0, "log floor and sample scale must be positive");
    }

    public string ToJson() => JsonSerializer.Serialize(this, ProjectJson.Options);

    /// <summary>
    /// Parses strictly; <paramref name="file"/> names the source in error messages. Keys match in any case: front ends
    /// written before one casing (PascalCase, as in the shipped models' frontend.json and ONNX metadata) still load.
    /// </summary>
    public static FbankConfig FromJson(string json, string file = "fbank config") =>
        StrictJson.Deserialize<FbankConfig>(json, ProjectJson.StrictAnyCase, file, "front-end config");

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    public static FbankConfig Load(string path)
    {
        FbankConfig config;
        try
        {
            config = FromJson(File.ReadAllText(path), path);
        }
        catch (FormatException ex)
        {
            // The message already names the file and the field.
            throw new InvalidDataException(ex.Message, ex);
        }
        try
        {
            config.Validate();
            return config;
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Stable short hash of every setting; keys the feature cache, so any change invalidates it. Hashed in the
    /// serializer's defaults (PascalCase, the window by name) rather than in the file format, so caches made before the
    /// files took one casing stay valid.
    /// </summary>
    public string Fingerprint()
    {
        var compact = JsonSerializer.Serialize(this);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(compact)))[..16];
    }
}
