using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// One loaded clip: its manifest entry, resolved audio path, raw (unnormalised) features [frames, mel + streams] and
/// the task rule's targets, anchors and events over its whole length.
/// </summary>
public sealed record DatasetClip(ManifestEntry Entry, string AudioPath, FeatureMatrix Features, LabeledTargets Labels)
{
    public string Id => Entry.Id;

    public int Frames => Features.Frames;
}
