namespace StreamingAnchor.Data.Synthesis;

/// <summary>What a long negative stream is made of (<see cref="LongStreamPlanner"/>).</summary>
public enum LongStreamKind
{
    /// <summary>Talk without the keyword: TTS sentences, confusables and real speech over a light bed.</summary>
    Speech,

    /// <summary>A TV-like mixture: speech over a loud bed (music when the corpus has some).</summary>
    Tv,

    /// <summary>Background alone: one source's music, ambience, traffic, keyboard or effects, file after file.</summary>
    Background,

    /// <summary>Near-silence: only the low pink floor.</summary>
    Silence,

    /// <summary>Onset: stretches of background, each followed by speech (real speech in many languages, TTS).</summary>
    BackgroundThenSpeech,

    /// <summary>Trigger: bystanders talk (the phrase too) while the wearer stays silent.</summary>
    Bystanders,
}
