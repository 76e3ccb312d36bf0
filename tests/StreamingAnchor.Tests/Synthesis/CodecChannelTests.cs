using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class CodecChannelTests
{
    public static TheoryData<ChannelKind, int> Channels => new()
    {
        { ChannelKind.Telephone, 0 },
        { ChannelKind.Gsm, 0 },
        { ChannelKind.G722, 0 },
        { ChannelKind.Mp3, 24 },
        { ChannelKind.Mp3, 64 },
        { ChannelKind.Opus, 12 },
    };

    [SkippableTheory]
    [MemberData(nameof(Channels))]
    [Trait("Category", "E2E")]
    public void RoundTripChangesTheAudioButKeepsItInPlace(ChannelKind kind, int bitrate)
    {
        var why = CodecChannel.Unavailable(kind);
        Skip.If(why is not null, why);
        var channel = new ChannelPlan(kind, bitrate);
        // Another signal than the one the delay was measured on, at an odd length.
        var x = CodecChannel.Probe(16000, 2.3, 99);
        var y = CodecChannel.Apply(x, channel, CancellationToken.None);
        Assert.Equal(x.Length, y.Length);
        var lag = AlignmentProbe.Lag(x, y, 800);
        Assert.InRange(lag, -16, 16); // 1 ms
        var diff = Math.Sqrt(x.Zip(y, (a, b) => (double)(a - b) * (a - b)).Average());
        var rms = Math.Sqrt(x.Average(v => (double)v * v));
        Assert.True(diff > 0.02 * rms, $"{channel.Id}: output too close to the input ({diff / rms:F4})");
        // Still the same signal: most of its energy survives at lag 0.
        var dot = x.Zip(y, (a, b) => (double)a * b).Sum();
        var ny = Math.Sqrt(y.Sum(v => (double)v * v));
        var nx = Math.Sqrt(x.Sum(v => (double)v * v));
        Assert.True(dot / (nx * ny) > 0.4, $"{channel.Id}: correlation {dot / (nx * ny):F3}");
        // Same input, same bytes.
        Assert.Equal(y, CodecChannel.Apply(x, channel, CancellationToken.None));
    }

    [Fact]
    public void TelephoneChannelRemovesTheHighBand()
    {
        var x = Enumerable.Range(0, 16000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 6000 * i / 16000.0))).ToArray();
        var y = CodecChannel.Apply(x, new ChannelPlan(ChannelKind.Telephone, 0), CancellationToken.None);
        var rms = Math.Sqrt(y.Skip(1000).Take(14000).Average(v => (double)v * v));
        Assert.True(rms < 0.01, $"6 kHz tone left at rms {rms}");
    }
}
