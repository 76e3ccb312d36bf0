using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Training;

/// <summary>One clip ready for training: normalised features, frame targets, anchors in frames and the ground truth in seconds.</summary>
public sealed record ClipExample(string Id, FeatureMatrix Features, long[] Targets, double[] Anchors, double Duration, IReadOnlyList<EvalEvent> Events);
