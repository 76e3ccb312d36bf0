namespace StreamingAnchor.Data.Synthesis;

/// <summary>The offline TTS engines available as Debian packages.</summary>
public enum TtsEngineKind
{
    Espeak,
    Flite,
    Festival,
}
