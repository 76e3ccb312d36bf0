namespace StreamingAnchor.Data;

/// <summary>What a training window is, for <see cref="SamplerOptions"/>: its share of every batch is set per kind.</summary>
public enum ExampleKind
{
    /// <summary>The window holds an anchor (the keyword's end, a speech onset, the wearer's phrase).</summary>
    Positive,

    /// <summary>No anchor; its clip holds a near miss: a confusable phrase, or the phrase from a bystander or loudspeaker.</summary>
    Confusable,

    /// <summary>No anchor; its clip holds other speech (TTS sentences, real speech).</summary>
    Speech,

    /// <summary>No anchor and no speech, or a long negative stream: noise, music, silence, motion.</summary>
    Background,
}
