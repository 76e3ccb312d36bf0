namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A second talker over the keyword: plan item <see cref="ItemIndex"/> (another voice, <see cref="RelativeDb"/>
/// against the keyword, already in its gain) starts <see cref="StartSeconds"/> after the speech start of item
/// <see cref="TargetIndex"/> (negative: before it) instead of taking its own turn in the stream.
/// </summary>
public sealed record OverlapPlan(int ItemIndex, int TargetIndex, double StartSeconds, double RelativeDb);
