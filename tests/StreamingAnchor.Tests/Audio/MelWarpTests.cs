using StreamingAnchor.Audio;

namespace StreamingAnchor.Tests.Audio;

public class MelWarpTests
{
    private static float[] Peak(int bins, int at)
    {
        var row = new float[bins];
        Array.Fill(row, -5f);
        row[at] = 5f;
        return row;
    }

    private static int ArgMax(float[] row) => Array.IndexOf(row, row.Max());

    [Fact]
    public void FactorOneIsTheIdentity()
    {
        var warp = MelWarp.For(new FbankConfig(), 1.0);
        var row = Enumerable.Range(0, 40).Select(i => (float)Math.Sin(i * 0.7)).ToArray();
        var warped = row.ToArray();
        warp.Apply(warped, new float[40]);
        Assert.All(row.Zip(warped), p => Assert.Equal(p.First, p.Second, 4));
    }

    /// <summary>A longer vocal tract (alpha below 1) moves formants down, a shorter one up; the edges stay put.</summary>
    [Theory]
    [InlineData(0.9, -1)]
    [InlineData(1.1, 1)]
    public void APeakMovesWithTheFactor(double alpha, int direction)
    {
        var warp = MelWarp.For(new FbankConfig(), alpha);
        var row = Peak(40, 20);
        warp.Apply(row, new float[40]);
        Assert.Equal(direction, Math.Sign(ArgMax(row) - 20));

        var flat = Enumerable.Repeat(3f, 40).ToArray();
        warp.Apply(flat, new float[40]);
        Assert.All(flat, v => Assert.Equal(3f, v, 5));
    }

    [Fact]
    public void BadInputIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MelWarp.For(new FbankConfig(), 2.5));
        Assert.Throws<ArgumentException>(() => MelWarp.For(new FbankConfig { MelBins = 1 }, 1.05));
        Assert.Throws<ArgumentException>(() => MelWarp.For(new FbankConfig(), 1.05).Apply(new float[39], new float[40]));
    }
}
