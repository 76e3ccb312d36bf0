using StreamingAnchor.Audio;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class SpeechCutTests
{
    [Fact]
    public void NonZeroBoundsFindFirstAndLastNonZeroSample()
    {
        var x = new float[100];
        x[12] = 0.1f;
        x[40] = -0.2f;
        Assert.Equal((12, 41), SpeechCut.NonZeroBounds(x));
    }

    [Fact]
    public void EnergyBoundsIgnoreFaintTailAndLead()
    {
        var x = new float[16000];
        var rng = new Random(1);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(1e-4 * NoiseGenerator.Gaussian(rng));
        }
        for (var i = 4000; i < 9000; i++)
        {
            x[i] += (float)(0.3 * Math.Sin(i * 0.1));
        }
        var (start, end) = SpeechCut.EnergyBounds(x, 16000);
        Assert.InRange(start, 3920, 4000);
        Assert.InRange(end, 9000, 9080);
    }

    [Fact]
    public void CutKeepsSpanBetweenFadedMarginsAndMapsRates()
    {
        var native = new AudioClip(Enumerable.Range(0, 22050).Select(i => (float)Math.Sin(i * 0.05)).ToArray(), 22050);
        var cut = SpeechCut.Cut(native, 2205, 11025); // 0.1 s .. 0.5 s
        Assert.Equal(6400 + 2 * SpeechCut.Margin, cut.Length);
        Assert.Equal(0f, cut[0]);
        Assert.Equal(0f, cut[^1]);
    }

    [Fact]
    public void PhoneTimingSpansFirstToLastNonPausePhone()
    {
        var segs = PhoneTiming.ParseFlite("pau:0.164 hh:0.277 ey:0.367 s:0.943 pau:1.028 ");
        var span = PhoneTiming.SpeechSpan(segs);
        Assert.NotNull(span);
        Assert.Equal(0.164, span.Value.Start, 6);
        Assert.Equal(0.943, span.Value.End, 6);
        Assert.Null(PhoneTiming.SpeechSpan(PhoneTiming.ParseFestival("pau 0.2\npau 0.4\n")));
    }
}
