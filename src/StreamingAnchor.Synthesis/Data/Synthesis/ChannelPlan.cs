using System.Globalization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>The channel of one stream and its bitrate (kbit/s; 0 where the codec has a single rate).</summary>
public sealed record ChannelPlan(ChannelKind Kind, int BitrateKbps)
{
    public static readonly ChannelPlan None = new(ChannelKind.None, 0);

    /// <summary>Manifest form: <c>none</c>, <c>telephone</c>, <c>mp3-32k</c>, ...</summary>
    public string Id => BitrateKbps > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Kind.ToString().ToLowerInvariant()}-{BitrateKbps}k")
        : Kind.ToString().ToLowerInvariant();
}
