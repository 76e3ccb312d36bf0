namespace StreamingAnchor.Evaluation.Peers;

/// <summary>An off-the-shelf streaming detector run over whole clips.</summary>
public interface IPeerDetector : IDisposable
{
    /// <summary>Short name for tables (e.g. <c>openWakeWord hey_jarvis_v0.1</c>).</summary>
    string Name { get; }

    /// <summary>Samples consumed per step; scores depend on where a clip falls against this grid.</summary>
    int HopSamples { get; }

    /// <summary>Weights (learned, as the 16 kHz path runs them) and file bytes of every model involved.</summary>
    OnnxModelStats Stats { get; }

    /// <summary>
    /// Streams one clip (16 kHz, [-1,1]) from a fresh state, after <paramref name="offsetSamples"/> samples of
    /// silence so that the step grid falls elsewhere on the audio; trace times stay relative to the clip start.
    /// Only whole steps are scored (a trailing partial step is dropped, as a device would still be waiting).
    /// </summary>
    PeerTrace Score(ReadOnlySpan<float> samples, int offsetSamples = 0);
}
