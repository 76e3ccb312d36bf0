using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>One sequence ready for batching: normalised features, int64 targets and anchors on its own frame axis.</summary>
public sealed record FrameExample(string Id, FeatureMatrix Features, long[] Targets, double[] Anchors)
{
    /// <summary>
    /// Where each marked near miss of the keyword ends, in frames of this example's axis like <see cref="Anchors"/>
    /// (possibly outside it when the example is a window): the loss's extra anchors with <c>LossConfig.NearMissAnchors</c>.
    /// </summary>
    public double[] NearMissAnchors { get; init; } = [];

    public int Frames => Features.Frames;
}
