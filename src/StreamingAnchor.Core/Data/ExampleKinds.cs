namespace StreamingAnchor.Data;

/// <summary>
/// Which <see cref="ExampleKind"/> a window is. A window holding an anchor is positive; any other takes its clip's
/// negative kind, read from the manifest's <c>meta</c> as `sal synth` writes it (<c>type</c>, <c>texts</c>,
/// <c>keyword</c>), so it is a property of the clip, not of the stretch a crop happens to cover.
/// </summary>
public static class ExampleKinds
{
    /// <summary>Whether frames [start, start + length) hold one of the clip's anchors.</summary>
    public static bool HoldsAnchor(DatasetClip clip, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(clip);
        foreach (var a in clip.Labels.Anchors)
        {
            if (a >= start && a < start + length)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The kind of a planned window of <paramref name="clip"/>.</summary>
    public static ExampleKind Of(DatasetClip clip, TrainingUnit unit) =>
        HoldsAnchor(clip, unit.Start, unit.Length) ? ExampleKind.Positive : NegativeKind(clip.Entry);

    /// <summary>
    /// The kind of a clip's windows without an anchor:
    /// <list type="bullet">
    /// <item>no <c>meta</c> (imported corpora): speech, the usual negative of a keyword corpus;</item>
    /// <item><c>type</c> confusable, bystander or loudspeaker (trigger's near misses): confusable;</item>
    /// <item><c>type</c> noise, music, silence, ambience, motion, background or long* (long negative streams): background;</item>
    /// <item>otherwise near misses marked in <c>near_miss</c> (<see cref="NearMissSpan"/>; the generator's phoneme-level
    /// near misses are written as espeak mnemonics, which no text rule recognises) or a text in <c>texts</c>
    /// (|-separated) that is a near miss of <c>keyword</c>: confusable;
    /// any text: speech; no text: background.</item>
    /// </list>
    /// </summary>
    public static ExampleKind NegativeKind(ManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Meta is not { } meta)
        {
            return ExampleKind.Speech;
        }
        var type = meta.TryGetValue("type", out var t) ? t.Trim().ToLowerInvariant() : "";
        if (type is "confusable" or "bystander" or "loudspeaker")
        {
            return ExampleKind.Confusable;
        }
        if (type is "noise" or "music" or "silence" or "ambience" or "motion" or "background" || type.StartsWith("long", StringComparison.Ordinal))
        {
            return ExampleKind.Background;
        }
        if (meta.TryGetValue(NearMissSpan.MetaKey, out var marked) && marked.Length > 0)
        {
            return ExampleKind.Confusable;
        }
        var texts = meta.TryGetValue("texts", out var joined)
            ? joined.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        if (meta.TryGetValue("keyword", out var keyword) && keyword.Trim().Length > 0 && texts.Any(x => IsNearMiss(x, keyword)))
        {
            return ExampleKind.Confusable;
        }
        return texts.Length > 0 ? ExampleKind.Speech : ExampleKind.Background;
    }

    /// <summary>
    /// A text close to the keyword but not it: one of the generator's confusables for it, a text sharing a word of
    /// three letters or more with it, or one within 40 % of its length in edits (phoneme-level variants).
    /// </summary>
    public static bool IsNearMiss(string text, string keyword)
    {
        var x = Normalise(text);
        var k = Normalise(keyword);
        if (x.Length == 0 || x == k)
        {
            return false;
        }
        var words = k.Split(' ').Where(w => w.Length >= 3).ToHashSet(StringComparer.Ordinal);
        return x.Split(' ').Any(words.Contains)
               || TextBank.ConfusablesFor(k).Contains(x, StringComparer.Ordinal)
               || StrictJson.EditDistance(x, k) <= Math.Max(2, (int)(0.4 * k.Length));
    }

    // Lower case, punctuation dropped: "Hey, Jarvis!" is the keyword.
    private static string Normalise(string text) =>
        string.Join(' ', new string(text.Select(c => char.IsLetterOrDigit(c) || c == '\'' ? char.ToLowerInvariant(c) : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
