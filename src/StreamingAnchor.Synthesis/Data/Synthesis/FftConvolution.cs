using NWaves.Transforms;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Linear convolution by FFT overlap-add (NWaves' real FFT, blocks of at least twice the kernel): O(n log k), so a
/// one-second impulse response costs a few milliseconds per second of audio instead of the ~16k multiply-adds per
/// sample of a direct convolution, and a long stream never needs one huge transform.
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
        var fftSize = 1024;
        while (fftSize < 2 * h.Length)
        {
            fftSize <<= 1;
        }
        var block = fftSize - h.Length + 1;
        var fft = new RealFft(fftSize);
        var bins = fftSize / 2 + 1;
        var buffer = new float[fftSize];
        var hre = new float[bins];
        var him = new float[bins];
        h.CopyTo(buffer, 0);
        fft.Direct(buffer, hre, him);
        var re = new float[bins];
        var im = new float[bins];
        var output = new float[fftSize];
        for (var start = 0; start < x.Length && start < length; start += block)
        {
            Array.Clear(buffer);
            Array.Copy(x, start, buffer, 0, Math.Min(block, x.Length - start));
            fft.Direct(buffer, re, im);
            for (var k = 0; k < bins; k++)
            {
                var (a, b) = (re[k], im[k]);
                re[k] = a * hre[k] - b * him[k];
                im[k] = a * him[k] + b * hre[k];
            }
            fft.InverseNorm(re, im, output);
            var count = Math.Min(fftSize, length - start);
            for (var i = 0; i < count; i++)
            {
                result[start + i] += output[i];
            }
        }
        return result;
    }

    /// <summary>x filtered by a linear-phase (odd, symmetric) kernel with its group delay removed: same length, same timing.</summary>
    public static float[] Centred(float[] x, float[] kernel)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        var delay = kernel.Length / 2;
        var full = Convolve(x, kernel, x.Length + delay);
        return full.AsSpan(delay, x.Length).ToArray();
    }
}
