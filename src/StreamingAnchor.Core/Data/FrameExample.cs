using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>One sequence ready for batching: normalised features, int64 targets and anchors on its own frame axis.</summary>
public sealed record FrameExample(string Id, FeatureMatrix Features, long[] Targets, double[] Anchors)
{
    public int Frames => Features.Frames;
}
