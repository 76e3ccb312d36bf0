using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A rendered stream: the mix, the dry layer of keyword/trigger items alone (what the labels describe), the wearer's
/// dry speech, where each item landed, the accelerometer stream (trigger only) and the manifest entry.
/// </summary>
public sealed record RenderedClip(
    float[] Audio,
    float[] KeywordLayer,
    float[] WearerLayer,
    IReadOnlyList<PlacedSegment> Segments,
    FeatureMatrix? Accelerometer,
    ManifestEntry Entry);
