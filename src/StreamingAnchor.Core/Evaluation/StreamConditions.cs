using System.Globalization;
using StreamingAnchor.Data;

namespace StreamingAnchor.Evaluation;

/// <summary>
/// The acoustic conditions a stream was made under, read from its manifest meta (what `sal synth` records), so an
/// evaluation can say which conditions its misses come from: "what limited the model" is a question about the test
/// audio, not only about the DET curve. A stream without those meta keys has no conditions.
/// </summary>
public static class StreamConditions
{
    /// <summary>The conditions in the order reports list them.</summary>
    public static IReadOnlyList<string> Names { get; } = [Voice, "snr", "background", "room", "babble", "codec"];

    /// <summary>The condition of the base voices that say a stream's keywords (comma separated when several do).</summary>
    public const string Voice = "voice";

    /// <summary>Meta key of the voices that say a stream's labelled keywords (`sal synth` kws and trigger), comma separated.</summary>
    public const string KeywordVoicesMetaKey = "keyword_voices";

    /// <summary>Condition name -> value of one stream (only the conditions its meta says).</summary>
    public static IReadOnlyDictionary<string, string> Of(ManifestEntry entry)
    {
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entry.Meta is not { } meta)
        {
            return conditions;
        }
        if (meta.TryGetValue(KeywordVoicesMetaKey, out var voices) && voices.Length > 0)
        {
            // The base voice (engine and language voice or speaker) without the espeak variant: a variant changes the
            // timbre, the base voice the accent, and a split holds a handful of base voices against dozens of variants.
            conditions[Voice] = string.Join(',', voices.Split(',').Select(v => v.Split('+')[0]).Distinct().Order(StringComparer.Ordinal));
        }
        if (meta.TryGetValue("snr_db", out var text))
        {
            // sal synth writes "inf" for a stream with no background at all (.NET reads only "Infinity").
            double? snr = text == "inf" ? double.PositiveInfinity
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var db) ? db : null;
            if (snr is { } value)
            {
                conditions["snr"] = SnrBand(value);
            }
        }
        if (meta.TryGetValue("codec", out var codec))
        {
            conditions["codec"] = codec;
        }
        // sal synth writes "bed" for every stream, and "room" and "babble" only when they were applied.
        if (meta.TryGetValue("bed", out var bed))
        {
            conditions["background"] = bed;
            conditions["room"] = meta.ContainsKey("room") ? "reverberant" : "dry";
            conditions["babble"] = meta.ContainsKey("babble") ? "babble" : "none";
        }
        return conditions;
    }

    /// <summary>The SNR "band" of a stream without background.</summary>
    public const string NoNoise = "no noise";

    /// <summary>The SNR bands from the lowest, the order reports list them in.</summary>
    private static readonly string[] SnrBands = ["< 0 dB", "0-10 dB", "10-20 dB", ">= 20 dB", NoNoise];

    /// <summary>The SNR band a stream's keyword-to-background ratio falls in.</summary>
    public static string SnrBand(double snrDb) => SnrBands[snrDb switch
    {
        < 0 => 0,
        < 10 => 1,
        < 20 => 2,
        _ => double.IsPositiveInfinity(snrDb) ? 4 : 3,
    }];

    /// <summary>Sort key of a value within its condition: SNR bands from the lowest, other values by name.</summary>
    public static string OrderOf(string condition, string value) => condition == "snr"
        ? (Array.IndexOf(SnrBands, value) is var i and >= 0 ? i : SnrBands.Length).ToString(CultureInfo.InvariantCulture)
        : value;
}
