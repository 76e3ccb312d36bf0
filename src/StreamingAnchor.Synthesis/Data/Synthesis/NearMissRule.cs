using System.Text.Json.Serialization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>Which one-phoneme edits of the keyword may be near misses (negatives).</summary>
public enum NearMissRule
{
    /// <summary>"any-edit": every edit that espeak-ng reads back as written and that is not the keyword itself.</summary>
    [JsonStringEnumMemberName("any-edit")] AnyEdit,

    /// <summary>
    /// "not-an-accent": also leaves out the edits whose IPA has the keyword's shape (<see cref="IpaSkeleton"/>: a changed
    /// vowel, an r, a dropped h), because the same rule admits language voices that say the keyword that way as
    /// keyword voices: under <see cref="AnyEdit"/> "h'eI dZ'@vIs" is a negative while a voice saying "dʒəvɪs" is a
    /// positive, and "'eI dZ'A@vIs" is what the Welsh English voice says for the keyword.
    /// </summary>
    [JsonStringEnumMemberName("not-an-accent")] NotAnAccent,
}
