namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// One speech item of a planned stream: synthesised (<see cref="Tts"/>) or real (<see cref="Real"/>), its role,
/// level relative to -20 dBFS, and whether it is reverberated.
/// </summary>
public sealed record PlannedItem(ItemKind Kind, SpeechRequest? Tts, RealFile? Real, SpeakerRole Role, double GainDb, bool Reverb)
{
    /// <summary>Voice id for manifests and split checks (TTS voice id, or the real source's speaker set).</summary>
    public string VoiceId => Tts?.Voice.Id ?? $"real:{Real!.Source.Name}";

    /// <summary>Speaker group over which splits are made.</summary>
    public string Speaker => Tts?.Voice.Speaker ?? $"real:{Real!.Source.Name}";
}
