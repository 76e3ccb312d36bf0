namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// One synthetic voice. <see cref="Speaker"/> groups voices that share a recorded speaker or timbre (flite kal16 and
/// festival kal are both Kal; espeak voices sharing a variant share a timbre); splits are made over speakers.
/// </summary>
public sealed record Voice(TtsEngineKind Engine, string Name, string Speaker)
{
    /// <summary>Stable id written to manifests, e.g. <c>espeak:en-us+f3</c>, <c>flite:slt</c>.</summary>
    public string Id => $"{Engine.ToString().ToLowerInvariant()}:{Name}";
}
