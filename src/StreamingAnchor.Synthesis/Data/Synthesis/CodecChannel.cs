using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using NWaves.Filters.Fda;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Passes a 16 kHz stream through a telephone or codec channel and returns it at 16 kHz with the same length and
/// timing. Narrow-band channels go through a linear-phase 300-3400 Hz band-pass (delay removed), which is also the
/// anti-alias filter for taking every other sample down to 8 kHz, and come back up by zero-stuffing and a linear-phase
/// low-pass;
/// mu-law is done here, GSM, G.722, MP3 and Opus are ffmpeg round trips over stdin/stdout pipes (raw float32 in,
/// the codec's own stream format between the two runs, bit-exact flags, one thread, so output repeats byte for byte).
/// Codecs add encoder delay and priming samples that a pipe cannot signal to the decoder; each configuration's
/// delay is measured once per process on a fixed probe signal (cross-correlation peak) and trimmed, so a sample
/// stays where it was and the labels placed on the dry stream still hold.
/// </summary>
public static class CodecChannel
{
    private const int NarrowRate = 8000;
    private const int BandOrder = 201;

    /// <summary>Largest codec delay searched for, samples at the codec's rate.</summary>
    private const int MaxDelay = 4000;

    private static readonly ConcurrentDictionary<ChannelPlan, Lazy<int>> Delays = new();
    private static readonly Lazy<string> Encoders = new(() =>
        ToolRunner.Exists("ffmpeg") ? ToolRunner.Run("ffmpeg", ["-hide_banner", "-encoders"]).StdoutText : "");

    /// <summary>Why <paramref name="kind"/> cannot run here (ffmpeg or its encoder missing), or null.</summary>
    public static string? Unavailable(ChannelKind kind)
    {
        if (kind is ChannelKind.None or ChannelKind.Telephone)
        {
            return null;
        }
        if (!ToolRunner.Exists("ffmpeg"))
        {
            return "ffmpeg is not installed";
        }
        var encoder = Encoder(kind);
        return Encoders.Value.Split('\n').Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var name, ..] && name == encoder)
            ? null
            : $"ffmpeg has no {encoder} encoder";
    }

    public static float[] Apply(float[] x, ChannelPlan channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.Kind == ChannelKind.None || x.Length == 0)
        {
            return (float[])x.Clone();
        }
        if (channel.Kind is ChannelKind.Telephone or ChannelKind.Gsm)
        {
            var narrow = Down(x);
            var coded = channel.Kind == ChannelKind.Telephone ? MuLaw(narrow) : Aligned(narrow, channel, NarrowRate, cancellationToken);
            return Up(coded, x.Length);
        }
        return Aligned(x, channel, SpeechCut.Rate, cancellationToken);
    }

    /// <summary>A codec round trip with its measured delay trimmed, at the input's length.</summary>
    private static float[] Aligned(float[] x, ChannelPlan channel, int rate, CancellationToken cancellationToken)
    {
        var delay = Delays.GetOrAdd(channel, c => new Lazy<int>(() => MeasureDelay(c, rate))).Value;
        var y = RoundTrip(x, channel, rate, cancellationToken);
        var result = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var j = i + delay;
            result[i] = j >= 0 && j < y.Length ? y[j] : 0f;
        }
        return result;
    }

    /// <summary>Delay of a raw round trip, from a fixed 1.5 s probe of gated harmonic tones and noise bursts.</summary>
    private static int MeasureDelay(ChannelPlan channel, int rate)
    {
        var probe = Probe(rate, 1.5, 4321);
        var y = RoundTrip(probe, channel, rate, CancellationToken.None);
        return AlignmentProbe.Lag(probe, y, MaxDelay);
    }

    /// <summary>
    /// A speech-like probe: syllable-length bursts of harmonic tones (gliding pitch) and noise with silences between,
    /// so its cross-correlation has one clear peak and every codec keeps enough of it.
    /// </summary>
    public static float[] Probe(int rate, double seconds, int seed)
    {
        var rng = new Random(seed);
        var x = new float[(int)(seconds * rate)];
        var i = rate / 10;
        while (i < x.Length)
        {
            var length = (int)(rate * (0.08 + 0.2 * rng.NextDouble()));
            var f0 = 100 + 150 * rng.NextDouble();
            var glide = (rng.NextDouble() - 0.5) * 60;
            var noisy = rng.NextDouble() < 0.35;
            double phase = 0;
            for (var k = 0; k < length && i + k < x.Length; k++)
            {
                var env = Math.Sin(Math.PI * k / length);
                double v;
                if (noisy)
                {
                    v = 0.4 * NoiseGenerator.Gaussian(rng);
                }
                else
                {
                    phase += 2 * Math.PI * (f0 + glide * k / length) / rate;
                    v = 0;
                    for (var harmonic = 1; harmonic * f0 < 0.45 * rate && harmonic <= 20; harmonic++)
                    {
                        v += Math.Sin(harmonic * phase) / harmonic;
                    }
                    v *= 0.3;
                }
                x[i + k] = (float)(0.5 * env * v);
            }
            i += length + (int)(rate * (0.03 + 0.15 * rng.NextDouble()));
        }
        return x;
    }

    private static string Encoder(ChannelKind kind) => kind switch
    {
        ChannelKind.Gsm => "libgsm",
        ChannelKind.G722 => "g722",
        ChannelKind.Mp3 => "libmp3lame",
        ChannelKind.Opus => "libopus",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an ffmpeg channel"),
    };

    /// <summary>Container format of the encoded stream on the pipe between the two ffmpeg runs.</summary>
    private static string Format(ChannelKind kind) => kind switch
    {
        ChannelKind.Gsm => "gsm",
        ChannelKind.G722 => "g722",
        ChannelKind.Mp3 => "mp3",
        ChannelKind.Opus => "ogg",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an ffmpeg channel"),
    };

    /// <summary>Encode then decode with ffmpeg, raw float32 mono at <paramref name="rate"/> in and out, no trimming.</summary>
    private static float[] RoundTrip(float[] x, ChannelPlan channel, int rate, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var common = new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1" };
        var encode = new List<string>(common)
        {
            "-f", "f32le", "-ar", rate.ToString(inv), "-ac", "1", "-i", "pipe:0",
            "-c:a", Encoder(channel.Kind), "-flags:a", "+bitexact", "-fflags", "+bitexact",
        };
        if (channel.BitrateKbps > 0)
        {
            encode.AddRange(["-b:a", $"{channel.BitrateKbps.ToString(inv)}k"]);
        }
        if (channel.Kind == ChannelKind.Opus)
        {
            // Ogg pages carry a random serial number unless told otherwise.
            encode.AddRange(["-serial_offset", "1"]);
        }
        encode.AddRange(["-f", Format(channel.Kind), "pipe:1"]);
        var coded = ToolRunner.RunChecked("ffmpeg", encode, MemoryMarshal.AsBytes(x.AsSpan()).ToArray(),
            cancellationToken: cancellationToken).Stdout;
        var decode = new List<string>(common)
        {
            "-f", Format(channel.Kind), "-i", "pipe:0", "-flags:a", "+bitexact",
            "-f", "f32le", "-ar", rate.ToString(inv), "-ac", "1", "pipe:1",
        };
        var raw = ToolRunner.RunChecked("ffmpeg", decode, coded, cancellationToken: cancellationToken).Stdout;
        return MemoryMarshal.Cast<byte, float>(raw.AsSpan(0, raw.Length / 4 * 4)).ToArray();
    }

    private static readonly float[] BandKernel = DesignFilter.FirWinBp(BandOrder, 300.0 / SpeechCut.Rate, 3400.0 / SpeechCut.Rate).Select(v => (float)v).ToArray();
    private static readonly float[] UpKernel = DesignFilter.FirWinLp(BandOrder, 3700.0 / SpeechCut.Rate).Select(v => (float)(2 * v)).ToArray();

    /// <summary>16 kHz to 8 kHz through the 300-3400 Hz band (sample k of the result is sample 2k of the input).</summary>
    private static float[] Down(float[] x)
    {
        var band = FftConvolution.Centred(x, BandKernel);
        var y = new float[(x.Length + 1) / 2];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = band[2 * i];
        }
        return y;
    }

    /// <summary>8 kHz back to 16 kHz: zero-stuffing, then a low-pass with gain 2 below the new images.</summary>
    private static float[] Up(float[] x, int length)
    {
        var stuffed = new float[length];
        for (var i = 0; i < x.Length && 2 * i < length; i++)
        {
            stuffed[2 * i] = x[i];
        }
        return FftConvolution.Centred(stuffed, UpKernel);
    }

    /// <summary>G.711-style mu-law (mu = 255): compress, quantise to 8 bits, expand.</summary>
    private static float[] MuLaw(float[] x)
    {
        const double mu = 255;
        var lnMu = Math.Log(1 + mu);
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var v = Math.Clamp((double)x[i], -1, 1);
            var c = Math.Sign(v) * Math.Log(1 + mu * Math.Abs(v)) / lnMu;
            var q = Math.Round(c * 127) / 127;
            y[i] = (float)(Math.Sign(q) * (Math.Pow(1 + mu, Math.Abs(q)) - 1) / mu);
        }
        return y;
    }

}
