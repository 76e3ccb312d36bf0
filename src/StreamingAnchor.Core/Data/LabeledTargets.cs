namespace StreamingAnchor.Data;

/// <summary>
/// What a task rule makes of one clip: int64 class per frame (0 background, 1..K), anchors in fractional frames, and
/// the same events in seconds for evaluation.
/// </summary>
public sealed record LabeledTargets(long[] Targets, double[] Anchors, IReadOnlyList<EvalEvent> Events);
