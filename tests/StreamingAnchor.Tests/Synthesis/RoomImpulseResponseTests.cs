using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class RoomImpulseResponseTests
{
    private static RoomPlan Room(double rt60, double distance = 2.0) => new(6, 4.5, 2.8, rt60, new Point3(2, 2, 1.5),
        [new Point3(2 + distance, 2.2, 1.6)], new Point3(1, 1, 1.7), 11);

    /// <summary>RT60 from Schroeder's backward integral: the -5 to -25 dB slope, extrapolated to 60 dB.</summary>
    private static double MeasuredRt60(float[] h)
    {
        var edc = new double[h.Length];
        double acc = 0;
        for (var i = h.Length - 1; i >= 0; i--)
        {
            acc += (double)h[i] * h[i];
            edc[i] = acc;
        }
        var db = edc.Select(e => 10 * Math.Log10(e / edc[0])).ToArray();
        var a = Array.FindIndex(db, v => v <= -5);
        var b = Array.FindIndex(db, v => v <= -25);
        Assert.True(a >= 0 && b > a, "decay does not reach -25 dB");
        // Least-squares slope of the decay curve between the two points, dB per second.
        var n = b - a + 1;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = a; i <= b; i++)
        {
            var t = i / 16000.0;
            sx += t;
            sy += db[i];
            sxx += t * t;
            sxy += t * db[i];
        }
        var slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return -60 / slope;
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void EnergyDecayFollowsTheTargetRt60(double rt60)
    {
        var room = Room(rt60);
        var h = RoomImpulseResponse.Generate(room, room.Sources[0], 5);
        var measured = MeasuredRt60(h);
        Assert.InRange(measured, 0.8 * rt60, 1.2 * rt60);
    }

    [Fact]
    public void DirectPathSitsAtSampleZeroWithUnitGainAndDominatesNearby()
    {
        foreach (var distance in new[] { 0.3, 1.0, 2.5 })
        {
            var room = Room(0.6, distance);
            var h = RoomImpulseResponse.Generate(room, room.Sources[0], 5);
            Assert.Equal(1f, h[0], 3);
            var peak = Enumerable.Range(0, h.Length).MaxBy(i => Math.Abs(h[i]));
            Assert.Equal(0, peak);
            // Nothing arrives before the direct sound: the sinc taps of the earliest reflections are all that can.
            Assert.True(h.Skip(1).Take(3).All(v => Math.Abs(v) < 0.5f));
        }

        // A far source hears more room relative to its direct sound than a near one.
        double Drr(double d)
        {
            var room = Room(0.6, d);
            var h = RoomImpulseResponse.Generate(room, room.Sources[0], 5);
            return h.Skip(40).Sum(v => (double)v * v) / (h[0] * h[0]);
        }
        Assert.True(Drr(3.0) > 4 * Drr(0.5));
    }

    [Fact]
    public void ConvolvingAnImpulseTrainKeepsEveryImpulseInPlace()
    {
        var room = Room(0.5, 1.5);
        var h = RoomImpulseResponse.Generate(room, room.Sources[0], 9);
        var x = new float[16000];
        foreach (var at in new[] { 1000, 7000, 12345 })
        {
            x[at] = 0.5f;
        }
        var y = FftConvolution.Convolve(x, h, x.Length);
        foreach (var at in new[] { 1000, 7000, 12345 })
        {
            var window = Enumerable.Range(at - 200, 400);
            Assert.Equal(at, window.MaxBy(i => Math.Abs(y[i])));
        }
        Assert.Equal(0.5f, y[1000], 4);
        // Nothing before the first impulse.
        Assert.True(y.Take(1000).All(v => Math.Abs(v) < 1e-5f));
    }

    [Fact]
    public void SameSeedSameResponseOtherSeedOtherTail()
    {
        var room = Room(0.4);
        var a = RoomImpulseResponse.Generate(room, room.Sources[0], 3);
        var b = RoomImpulseResponse.Generate(room, room.Sources[0], 3);
        var c = RoomImpulseResponse.Generate(room, room.Sources[0], 4);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // The image part (first 100 ms) does not depend on the seed.
        Assert.Equal(a.Take(1500), c.Take(1500));
    }

    [Fact]
    public void FftConvolutionMatchesDirectConvolution()
    {
        var rng = new Random(1);
        var x = Enumerable.Range(0, 3000).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var h = Enumerable.Range(0, 700).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var y = FftConvolution.Convolve(x, h, 3500);
        for (var n = 0; n < 3500; n += 37)
        {
            double direct = 0;
            for (var k = 0; k < h.Length; k++)
            {
                if (n - k >= 0 && n - k < x.Length)
                {
                    direct += x[n - k] * h[k];
                }
            }
            Assert.Equal(direct, y[n], 3);
        }
    }
}
