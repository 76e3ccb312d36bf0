namespace StreamingAnchor.Data.Synthesis;

/// <summary>A TTS engine wrapper: lists its English voices and turns requests into tightly cut 16 kHz speech.</summary>
public interface ITtsEngine
{
    TtsEngineKind Kind { get; }

    /// <summary>Null when the engine can be used here, otherwise why not (one line).</summary>
    string? Unavailable();

    IReadOnlyList<Voice> Voices();

    /// <summary>
    /// Synthesises a batch of requests for this engine (batched so festival starts once per batch) and returns, in
    /// order, speech cut to [first phone, last phone] with <see cref="SpeechCut.Margin"/> faded samples on each side.
    /// </summary>
    IReadOnlyList<float[]> Synthesize(IReadOnlyList<SpeechRequest> batch, string scratchDirectory, CancellationToken cancellationToken);
}
