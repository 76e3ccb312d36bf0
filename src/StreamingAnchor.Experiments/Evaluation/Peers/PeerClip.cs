using StreamingAnchor.Data;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>One test stream for a peer: 16 kHz samples in [-1,1] and its ground-truth events (label 1).</summary>
public sealed record PeerClip(string Id, float[] Samples, IReadOnlyList<EvalEvent> Events)
{
    /// <summary>Near misses of the keyword spoken in the stream (kws; see <see cref="NearMissSpan"/>).</summary>
    public IReadOnlyList<NearMissSpan> NearMisses { get; init; } = [];

    /// <summary>The conditions the stream was made under (<see cref="StreamConditions"/>), so peers' misses are tallied as ours.</summary>
    public IReadOnlyDictionary<string, string> Conditions { get; init; } = new Dictionary<string, string>();

    public double DurationSeconds => Samples.Length / (double)PeerScorer.Grid.SampleRate;
}
