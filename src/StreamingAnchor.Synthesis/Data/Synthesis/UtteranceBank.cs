namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The background talk of one split (TTS sentences and confusables, not the keyword) drawn from a finite set of
/// utterances, so the same synthesised utterance serves several streams, each time at another level, with other
/// effects, neighbours and background. Synthesis is the costliest stage and every TTS call is a process; with one
/// entry per <see cref="SecondsPerEntry"/> s of the split's audio an utterance is used about three times. Keywords
/// and the speech of named talkers (a trigger's wearer and bystanders) are not banked: their variety is the point.
/// Entry j is decided by (seed, split, kind, j) alone, so a stream's plan still does not depend on the others.
/// </summary>
/// <param name="utterance">Draws entry j's utterance of a kind (text, voice, speaker configuration) from the entry's generator.</param>
public sealed class UtteranceBank(int seed, string split, int size, Func<Random, ItemKind, SpeechRequest> utterance)
{
    /// <summary>Audio seconds per bank entry (sentences); confusables get a third as many entries.</summary>
    public const double SecondsPerEntry = 12;

    /// <summary>Fewest entries per kind, so small corpora keep their variety.</summary>
    public const int MinEntries = 48;

    public static int SizeFor(double splitSeconds) => Math.Max(MinEntries, (int)Math.Ceiling(splitSeconds / SecondsPerEntry));

    public SpeechRequest Draw(Random rng, ItemKind kind)
    {
        var confusable = kind == ItemKind.Confusable;
        var n = confusable ? Math.Max(MinEntries, size / 3) : size;
        var j = rng.Next(n);
        var entry = new Random(SplitAssigner.DeriveSeed(seed, j, (int)(SplitAssigner.Fnv1a($"{split}|{kind}") & 0x7FFFFFFF)));
        return utterance(entry, kind);
    }
}
