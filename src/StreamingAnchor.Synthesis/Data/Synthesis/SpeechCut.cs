using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Tight cut points of synthesised speech and the cut itself. The cached utterance is the speech span plus a fixed
/// <see cref="Margin"/> on each side that is faded to zero, so splicing never clicks and the label (the span between
/// the margins) stays exact.
/// </summary>
public static class SpeechCut
{
    /// <summary>Samples (at 16 kHz) kept and faded on each side of the speech span: 5 ms.</summary>
    public const int Margin = 80;

    public const int Rate = FbankConfig.DeviceSampleRate;

    /// <summary>First non-zero sample and one past the last (espeak-ng pads with exact zeros, so this is phone-exact).</summary>
    public static (int Start, int End) NonZeroBounds(ReadOnlySpan<float> x)
    {
        var start = 0;
        while (start < x.Length && x[start] == 0f)
        {
            start++;
        }
        var end = x.Length;
        while (end > start && x[end - 1] == 0f)
        {
            end--;
        }
        return (start, end);
    }

    /// <summary>
    /// Frame-energy bounds: first and last 5 ms frame whose energy is within <paramref name="dbBelowPeak"/> of the
    /// loudest frame (after removing the mean). The end is within about -20..+10 ms of the true last phone; the start is
    /// 20-60 ms late for weak onsets such as /h/.
    /// </summary>
    public static (int Start, int End) EnergyBounds(ReadOnlySpan<float> x, int sampleRate, double dbBelowPeak = 40)
    {
        var frame = Math.Max(1, sampleRate / 200);
        var frames = x.Length / frame;
        if (frames == 0)
        {
            return (0, x.Length);
        }
        double mean = 0;
        foreach (var v in x)
        {
            mean += v;
        }
        mean /= x.Length;
        var energy = new double[frames];
        var peak = 0.0;
        for (var f = 0; f < frames; f++)
        {
            double e = 0;
            for (var i = f * frame; i < (f + 1) * frame; i++)
            {
                var v = x[i] - mean;
                e += v * v;
            }
            energy[f] = e / frame;
            peak = Math.Max(peak, energy[f]);
        }
        if (peak <= 0)
        {
            return (0, 0);
        }
        var threshold = peak * Math.Pow(10, -dbBelowPeak / 10);
        var first = Array.FindIndex(energy, e => e >= threshold);
        var last = Array.FindLastIndex(energy, e => e >= threshold);
        return (first * frame, Math.Min(x.Length, (last + 1) * frame));
    }

    /// <summary>
    /// Removes DC, resamples the whole file to 16 kHz, maps the native cut points and returns speech plus faded margins.
    /// </summary>
    public static float[] Cut(AudioClip native, int startNative, int endNative)
    {
        if (endNative <= startNative)
        {
            throw new SynthesisException($"empty speech span [{startNative}, {endNative}) in synthesised audio");
        }
        var x = native.Samples;
        double mean = 0;
        foreach (var v in x)
        {
            mean += v;
        }
        mean /= Math.Max(1, x.Length);
        var centred = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            centred[i] = (float)(x[i] - mean);
        }
        var y = native.SampleRate == Rate ? centred : Resampler.Resample(centred, native.SampleRate, Rate);
        var start = (int)Math.Round(startNative * (double)Rate / native.SampleRate);
        var end = (int)Math.Round(endNative * (double)Rate / native.SampleRate);
        start = Math.Clamp(start, 0, y.Length);
        end = Math.Clamp(end, start + 1, Math.Max(start + 1, y.Length));
        var speech = end - start;
        var result = new float[speech + 2 * Margin];
        for (var i = 0; i < result.Length; i++)
        {
            var src = start - Margin + i;
            if (src < 0 || src >= y.Length)
            {
                continue;
            }
            var gain = 1.0f;
            if (i < Margin)
            {
                gain = (float)i / Margin;
            }
            else if (i >= Margin + speech)
            {
                gain = (float)(result.Length - 1 - i) / Margin;
            }
            result[i] = y[src] * gain;
        }
        return result;
    }

    /// <summary>
    /// The same samples declared at <paramref name="factor"/> times their rate: resampled to 16 kHz they play that much
    /// faster, as <c>sox speed</c> does (pitch and formants up, duration down), and a native cut point still maps to
    /// the same sample, so labels stay exact.
    /// </summary>
    public static AudioClip Retimed(AudioClip native, double factor) =>
        factor == 1.0 ? native : native with { SampleRate = (int)Math.Round(native.SampleRate * factor) };

    /// <summary>Seconds string parser for engine timing output (invariant culture).</summary>
    public static double ParseSeconds(string s) =>
        double.Parse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
}
