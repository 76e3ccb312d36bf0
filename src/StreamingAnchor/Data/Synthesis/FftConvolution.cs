using NWaves.Operations.Convolution;
using NWaves.Signals;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Linear convolution through NWaves' FFT convolver: O(n log n), so a one-second impulse response costs a few
/// milliseconds per second of audio instead of the ~16k multiply-adds per sample of a direct convolution.
/// </summary>
public static class FftConvolution
{
    /// <summary>The first <paramref name="length"/> samples of x * h (zero beyond the full convolution).</summary>
    public static float[] Convolve(float[] x, float[] h, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(h);
        var result = new float[length];
        if (x.Length == 0 || h.Length == 0 || length == 0)
        {
            return result;
        }
        var full = new Convolver().Convolve(new DiscreteSignal(SpeechCut.Rate, x), new DiscreteSignal(SpeechCut.Rate, h)).Samples;
        Array.Copy(full, result, Math.Min(length, full.Length));
        return result;
    }
}
