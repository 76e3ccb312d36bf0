using NWaves.Filters.Base;
using NWaves.Filters.Fda;
using NWaves.Signals;

namespace StreamingAnchor.Audio;

/// <summary>
/// Band-limited sample-rate conversion with NWaves: a windowed-sinc low-pass (cut at the new Nyquist) before
/// downsampling, then NWaves' windowed-sinc interpolator. Output length is <c>floor(n * toRate / fromRate)</c> and
/// output sample k sits at time k / toRate, so event times survive resampling.
/// </summary>
public static class Resampler
{
    private const int AntiAliasOrder = 101;

    public static float[] Resample(float[] x, int fromRate, int toRate)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (fromRate <= 0 || toRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fromRate), $"sample rates must be positive, got {fromRate} -> {toRate}");
        }
        if (fromRate == toRate || x.Length == 0)
        {
            return (float[])x.Clone();
        }
        // The output size follows from the samples in hand; a tiny input rate must not ask for an absurd array.
        var outputLength = (long)x.Length * toRate / fromRate;
        if (outputLength > Array.MaxLength)
        {
            throw new ArgumentException($"resampling {x.Length} samples from {fromRate} Hz to {toRate} Hz would give {outputLength} samples, too many for one array");
        }
        var input = x;
        if (toRate < fromRate)
        {
            // NWaves' own anti-aliasing pass is causal and would delay the audio by half the filter length
            // (about 1 ms at 44.1 kHz, a tenth of a frame); we filter here and take the centred part of the full
            // convolution instead, so times are preserved.
            var kernel = DesignFilter.FirWinLp(AntiAliasOrder, 0.5 * toRate / fromRate);
            var full = new FirFilter(kernel).ApplyTo(new DiscreteSignal(fromRate, x)).Samples;
            var delay = AntiAliasOrder / 2;
            input = new float[x.Length];
            Array.Copy(full, delay, input, 0, Math.Min(x.Length, full.Length - delay));
        }
        // An identity filter stops NWaves from low-pass filtering a second time.
        var identity = new FirFilter([1.0]);
        return new NWaves.Operations.Resampler().Resample(new DiscreteSignal(fromRate, input), toRate, identity).Samples;
    }
}
