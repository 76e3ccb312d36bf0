namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// A peer's posterior traces over a test set, one per clip and step-grid offset (each offset is scored as its own
/// pass over the test set, so pooled metrics average over alignments), with the CPU time (of the scoring thread) they took.
/// </summary>
public sealed record PeerScoreSet(IReadOnlyList<PosteriorTrace> Traces, double AudioSeconds, double ComputeSeconds, IReadOnlyList<int> Offsets)
{
    /// <summary>Compute time over audio time on one thread (lower is cheaper; 0.01 = 1% of a core).</summary>
    public double RealTimeFactor => AudioSeconds > 0 ? ComputeSeconds / AudioSeconds : double.NaN;
}
