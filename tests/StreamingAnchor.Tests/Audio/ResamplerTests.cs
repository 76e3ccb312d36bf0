using StreamingAnchor.Audio;

namespace StreamingAnchor.Tests.Audio;

public class ResamplerTests
{
    private static float[] Tone(double hz, int rate, int n, double amplitude = 0.5) =>
        Enumerable.Range(0, n).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    private static double Rms(ReadOnlySpan<float> x)
    {
        var s = 0.0;
        foreach (var v in x)
        {
            s += v * v;
        }
        return Math.Sqrt(s / x.Length);
    }

    /// <summary>Power of x at one frequency (Goertzel-style projection), normalised to the signal's amplitude.</summary>
    private static double Amplitude(ReadOnlySpan<float> x, double hz, int rate)
    {
        double re = 0, im = 0;
        for (var i = 0; i < x.Length; i++)
        {
            re += x[i] * Math.Cos(2 * Math.PI * hz * i / rate);
            im += x[i] * Math.Sin(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.Sqrt((re * re) + (im * im)) / x.Length;
    }

    [Theory]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(22050)]
    [InlineData(8000)]
    public void ToneKeepsFrequencyLevelAndTiming(int fromRate)
    {
        var x = Tone(1000, fromRate, fromRate);

        var y = Resampler.Resample(x, fromRate, 16000);

        Assert.Equal(16000, y.Length);
        var middle = y.AsSpan(1600, 12800);
        Assert.Equal(0.5 / Math.Sqrt(2), Rms(middle), 3);
        Assert.Equal(0.5, Amplitude(middle, 1000, 16000), 2);
        Assert.True(Amplitude(middle, 1100, 16000) < 0.01);
        // Sample by sample against the ideal tone at 16 kHz: no delay, no distortion.
        for (var k = 1600; k < 14400; k++)
        {
            Assert.True(Math.Abs(y[k] - (0.5 * Math.Sin(2 * Math.PI * 1000 * k / 16000))) < 2e-3, $"sample {k}");
        }
    }

    [Fact]
    public void DownsamplingRemovesContentAboveTheNewNyquist()
    {
        var x = Tone(10000, 44100, 44100);

        var y = Resampler.Resample(x, 44100, 16000);

        // A 10 kHz tone would alias to 6 kHz at full level without the anti-aliasing filter.
        Assert.True(Rms(y.AsSpan(1600, 12800)) < 0.01, $"aliased rms {Rms(y.AsSpan(1600, 12800))}");
    }

    [Fact]
    public void SameRateCopiesAndBadRatesThrow()
    {
        var x = new[] { 0.1f, 0.2f };
        var y = Resampler.Resample(x, 16000, 16000);
        Assert.Equal(x, y);
        Assert.NotSame(x, y);
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(x, 0, 16000));
    }
}
