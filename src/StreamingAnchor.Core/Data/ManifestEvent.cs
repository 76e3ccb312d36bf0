using System.Text.Json.Serialization;

namespace StreamingAnchor.Data;

/// <summary>A labelled interval of a clip, in seconds from the clip start (e.g. a keyword, a speech segment).</summary>
public sealed record ManifestEvent(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End);
