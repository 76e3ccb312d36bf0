namespace StreamingAnchor.Evaluation;

/// <summary>
/// One detection: <paramref name="Time"/> is the end time in seconds of the frame that fired (when a device can act),
/// <paramref name="Label"/> the positive class (1..K), <paramref name="Score"/> its smoothed posterior.
/// </summary>
public sealed record Detection(double Time, int Label, double Score, long Frame);
