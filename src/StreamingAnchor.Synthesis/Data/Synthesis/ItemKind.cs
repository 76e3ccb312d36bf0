namespace StreamingAnchor.Data.Synthesis;

/// <summary>What a speech item in a stream is: the keyword/trigger phrase, a confusable phrase, a TTS sentence, or real speech.</summary>
public enum ItemKind
{
    Keyword,
    Confusable,
    Sentence,
    RealSpeech,
}
