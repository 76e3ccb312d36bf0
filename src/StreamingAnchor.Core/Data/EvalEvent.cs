namespace StreamingAnchor.Data;

/// <summary>
/// A ground-truth event of one stream, in seconds: its positive class (1..K), its anchor (the task-critical instant
/// latency is measured from: keyword end, speech onset...) and its interval.
/// </summary>
public sealed record EvalEvent(int Label, double Anchor, double Start, double End);
