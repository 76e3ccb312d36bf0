using System.Text.Json.Serialization;

namespace StreamingAnchor.Data;

/// <summary>
/// One line of a JSONL manifest: a clip, where it lives (relative to the manifest), its split and its events.
/// See docs/data.md for the format.
/// </summary>
public sealed record ManifestEntry
{
    /// <summary>Unique clip id.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    /// <summary>Audio path, relative to the manifest's folder (absolute paths are kept as they are).</summary>
    [JsonPropertyName("audio")] public required string Audio { get; init; }

    /// <summary>Duration in seconds.</summary>
    [JsonPropertyName("duration")] public required double Duration { get; init; }

    /// <summary>train, dev or test.</summary>
    [JsonPropertyName("split")] public string Split { get; init; } = "train";

    /// <summary>Labelled intervals (keyword, trigger phrase, speech).</summary>
    [JsonPropertyName("events")] public IReadOnlyList<ManifestEvent> Events { get; init; } = [];

    /// <summary>Explicit anchor times in seconds; when present they override the task rule's anchors.</summary>
    [JsonPropertyName("anchors")] public IReadOnlyList<double>? Anchors { get; init; }

    /// <summary>Extra per-frame feature streams (e.g. accelerometer), relative paths to float matrices.</summary>
    [JsonPropertyName("streams")] public IReadOnlyDictionary<string, string>? Streams { get; init; }

    /// <summary>Free-form attributes (voice, noise file, SNR...) for analysis and split checks.</summary>
    [JsonPropertyName("meta")] public IReadOnlyDictionary<string, string>? Meta { get; init; }
}
