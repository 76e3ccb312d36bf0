using System.Globalization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The acoustic conditions of one stream, drawn by <see cref="AcousticPlanner"/> from the clip's seed: a simulated
/// room (null: dry, or sox reverb on single items as before), the channel, the peak level of the whole stream
/// (dBFS; null leaves the mix level alone), a babble bed, items spoken without a pause after the previous one
/// (<see cref="GapAfter"/>: plan item index to the speech-to-speech gap in seconds), and a second talker over the keyword.
/// </summary>
public sealed record AcousticPlan(
    RoomPlan? Room,
    ChannelPlan Channel,
    double? GainDbfs,
    BabblePlan? Babble,
    IReadOnlyDictionary<int, double> GapAfter,
    OverlapPlan? Overlap)
{
    public static readonly AcousticPlan Dry = new(null, ChannelPlan.None, null, null, new Dictionary<int, double>(), null);

    /// <summary>Speech the stream needs besides its items (the babble talkers' utterances), for the TTS cache.</summary>
    public IEnumerable<PlannedItem> ExtraItems => Babble?.Talkers.SelectMany(t => t) ?? [];

    /// <summary>Adds the manifest <c>meta</c> entries of these conditions; <paramref name="channel"/> is the one applied.</summary>
    public void Describe(IDictionary<string, string> meta, ChannelPlan channel)
    {
        var inv = CultureInfo.InvariantCulture;
        if (Room is { } room)
        {
            meta["room"] = string.Create(inv, $"{room.Length:F1}x{room.Width:F1}x{room.Height:F1}");
            meta["rt60"] = room.Rt60.ToString("F2", inv);
            meta["source_m"] = string.Join(',', room.Sources.Select(s => s.DistanceTo(room.Microphone).ToString("F2", inv)));
        }
        meta["codec"] = channel.Id;
        if (GainDbfs is { } gain)
        {
            meta["gain_dbfs"] = gain.ToString("F1", inv);
        }
        if (Babble is { } babble)
        {
            meta["babble"] = babble.Talkers.Count.ToString(inv);
            meta["babble_snr_db"] = babble.SnrDb.ToString("F1", inv);
        }
        if (GapAfter.Count > 0)
        {
            meta["adjacent_gap_ms"] = string.Join(',', GapAfter.OrderBy(kv => kv.Key).Select(kv => (kv.Value * 1000).ToString("F0", inv)));
        }
        if (Overlap is { } overlap)
        {
            meta["overlap_db"] = overlap.RelativeDb.ToString("F1", inv);
        }
    }
}
