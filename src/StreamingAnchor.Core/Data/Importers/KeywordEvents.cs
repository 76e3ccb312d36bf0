namespace StreamingAnchor.Data.Importers;

/// <summary>Finds a keyword phrase in word alignments and turns each occurrence into a manifest event.</summary>
public static class KeywordEvents
{
    /// <summary>Words compare case-insensitively, with '_' and '-' read as spaces ("hey_sal" = "Hey Sal").</summary>
    public static string[] Tokens(string phrase) =>
        phrase.Replace('_', ' ').Replace('-', ' ').ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Aligner markers for silence and noise, skipped when matching a phrase.</summary>
    public static bool IsSilence(string word) =>
        word.Length == 0 || word is "<eps>" or "sil" or "sp" or "spn" or "<sil>" or "<unk>" or "[noise]" or "<noise>";

    /// <summary>
    /// Every occurrence of <paramref name="phrase"/> as consecutive words (silence markers between them allowed):
    /// an event from the first word's start to the last word's end, labelled <paramref name="label"/>.
    /// </summary>
    public static List<ManifestEvent> Find(IReadOnlyList<WordInterval> words, string phrase, string label)
    {
        var tokens = Tokens(phrase);
        if (tokens.Length == 0)
        {
            throw new ArgumentException("keyword phrase is empty");
        }
        var spoken = words.Where(w => !IsSilence(w.Word.Trim().ToLowerInvariant())).OrderBy(w => w.Start).ToList();
        var events = new List<ManifestEvent>();
        for (var i = 0; i + tokens.Length <= spoken.Count; i++)
        {
            var match = true;
            for (var k = 0; k < tokens.Length && match; k++)
            {
                match = string.Equals(string.Join(' ', Tokens(spoken[i + k].Word)), tokens[k], StringComparison.Ordinal);
            }
            if (match)
            {
                events.Add(new ManifestEvent(label, spoken[i].Start, spoken[i + tokens.Length - 1].End));
                i += tokens.Length - 1;
            }
        }
        return events;
    }

    /// <summary>One "speech" event from the first spoken word's start to the last one's end, or none.</summary>
    public static ManifestEvent? SpeechSpan(IReadOnlyList<WordInterval> words, string label)
    {
        var spoken = words.Where(w => !IsSilence(w.Word.Trim().ToLowerInvariant())).ToList();
        return spoken.Count == 0 ? null : new ManifestEvent(label, spoken.Min(w => w.Start), spoken.Max(w => w.End));
    }
}
