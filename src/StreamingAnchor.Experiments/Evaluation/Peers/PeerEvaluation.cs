namespace StreamingAnchor.Evaluation.Peers;

/// <summary>A peer scored and evaluated on a test set with the same detection rules and metrics as <c>sal eval</c>.</summary>
public static class PeerEvaluation
{
    /// <param name="leadInSeconds">Silence fed to the peer before each stream (see <see cref="PeerScorer.Score"/>).</param>
    public static DetectorComparisonRow Run(IPeerDetector peer, PeerTestSet testSet, EvaluationConfig config, int phases,
        IProgress<(int Done, int Total)>? progress = null, double leadInSeconds = 0)
    {
        if (!double.IsFinite(leadInSeconds) || leadInSeconds < 0)
        {
            throw new ArgumentException($"lead-in must be a non-negative number of seconds, got {leadInSeconds}");
        }
        var scores = PeerScorer.Score(peer, testSet.Clips, PeerScorer.Offsets(peer.HopSamples, phases), progress,
            (int)Math.Round(leadInSeconds * PeerScorer.Grid.SampleRate));
        var result = DetectionEvaluator.Run(scores.Traces, config);
        return new DetectorComparisonRow(peer.Name, "peer", peer.Stats.Parameters, peer.Stats.Bytes, scores.RealTimeFactor,
            scores.Traces.Count, scores.Traces.Sum(t => t.DurationSeconds) / 3600.0, result);
    }
}
