namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// One synthetic voice. <see cref="Speaker"/> groups voices that share a recorded speaker or timbre (flite kal16 and
/// festival kal are both Kal; espeak voices sharing a variant share a timbre). <see cref="Language"/> is the espeak-ng
/// language voice (its file, e.g. <c>gmw/en-US</c>) the variant is applied to, null for recorded speakers. Splits
/// are made over both: an espeak voice belongs to a split only if its language voice and its variant both do.
/// <see cref="FixedPitch"/>: the engine ignores a pitch request for this voice (flite rms, festival HTS).
/// </summary>
public sealed record Voice(TtsEngineKind Engine, string Name, string Speaker, string? Language = null, bool FixedPitch = false)
{
    /// <summary>Stable id written to manifests, e.g. <c>espeak:gmw/en-US+f3</c>, <c>flite:slt</c>.</summary>
    public string Id => $"{Engine.ToString().ToLowerInvariant()}:{Name}";

    /// <summary>The base voice: the espeak language voice, or the recorded speaker.</summary>
    public string BaseVoice => Language is { } language ? $"espeak-language:{language}" : Speaker;
}
