using System.Collections.Concurrent;
using System.Text;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A confusable negative: plain text, or espeak-ng phoneme mnemonics (spoken by English espeak voices only), and how it
/// differs from the keyword (written to the manifest with its span).
/// </summary>
public sealed record Confusable(string Text, bool IsPhonemes, NearMissKind Kind);

/// <summary>
/// Confusable negatives for a keyword: near misses one phoneme away from it (espeak-ng's phonemes of the keyword with
/// one phoneme substituted by another of the same kind, dropped, or one inserted), each word of the keyword alone,
/// and text confusables (the user's list, or <see cref="TextBank.ConfusablesFor"/>). The near misses are drawn from all
/// candidates by the seed, and each is read back through espeak-ng (<c>-x</c> on its <c>[[...]]</c> form): one whose
/// phonemes do not come back as written (espeak re-parses adjacent mnemonics greedily) or come back as the keyword's is
/// dropped, so no near miss is the keyword itself. Each is given its <see cref="NearMissKind"/> (<see cref="KindOf"/>,
/// <see cref="KindOfText"/>).
/// </summary>
public static class ConfusableGenerator
{
    /// <summary>The English voice whose phoneme table the near misses are written in (every English accent shares it).</summary>
    public const string PhonemeVoice = "gmw/en-US";

    private const string VowelStarts = "aeiouAEIOUVY@03";

    private static readonly ConcurrentDictionary<(string Keyword, int Seed, int Count, EditSet Set), IReadOnlyList<Confusable>> Memo = new();

    /// <summary>Which one-phoneme edits <see cref="Generate"/> keeps.</summary>
    private enum EditSet
    {
        Any,
        NotAccentShaped,
        AccentShaped,
    }

    /// <summary>Near misses, words alone, then text confusables, without repeats; near misses only when espeak-ng is here.</summary>
    public static IReadOnlyList<Confusable> For(string keyword, IReadOnlyList<string>? userList, int seed, bool withPhonemes, int nearMisses = 40,
        NearMissRule rule = NearMissRule.AnyEdit)
    {
        var kw = TextBank.CleanText(keyword).ToLowerInvariant();
        var list = new List<Confusable>();
        if (withPhonemes)
        {
            list.AddRange(PhonemeNearMisses(keyword, seed, nearMisses, rule));
        }
        var words = kw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var texts = (words.Length > 1 ? words : []).Concat(userList ?? TextBank.ConfusablesFor(keyword))
            .Select(t => TextBank.CleanText(t)).Where(t => t.Length > 0 && !t.Equals(kw, StringComparison.OrdinalIgnoreCase));
        list.AddRange(texts.Distinct(StringComparer.Ordinal).Select(t => new Confusable(t, false, KindOfText(keyword, t))));
        return list;
    }

    /// <summary>
    /// The kind of a phoneme near miss, from the keyword's phonemes and the near miss's (words of phonemes; stress marks
    /// and word breaks do not count): with p the length of their common prefix and n the keyword's phoneme count,
    /// p >= n - 1 (the edit is on the last phoneme or after it) is <see cref="NearMissKind.EditAtEnd"/>, anything
    /// earlier <see cref="NearMissKind.EditInside"/>.
    /// </summary>
    public static NearMissKind KindOf(IEnumerable<IEnumerable<string>> keyword, IEnumerable<IEnumerable<string>> nearMiss)
    {
        var a = keyword.SelectMany(w => w).Select(StripStress).ToList();
        var b = nearMiss.SelectMany(w => w).Select(StripStress).ToList();
        var p = 0;
        while (p < a.Count && p < b.Count && a[p] == b[p])
        {
            p++;
        }
        return p >= a.Count - 1 ? NearMissKind.EditAtEnd : NearMissKind.EditInside;
    }

    /// <summary>
    /// The kind of a text confusable: the keyword's last word alone, another of its words alone, or any other phrase
    /// (compared cleaned, without the punctuation cleaning keeps, and in any case).
    /// </summary>
    public static NearMissKind KindOfText(string keyword, string text)
    {
        var words = TextBank.CleanText(keyword).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Unpunctuated).ToArray();
        var t = Unpunctuated(TextBank.CleanText(text));
        return words.Length > 0 && t.Equals(words[^1], StringComparison.OrdinalIgnoreCase) ? NearMissKind.LastWord
            : words.Any(w => t.Equals(w, StringComparison.OrdinalIgnoreCase)) ? NearMissKind.OtherWord
            : NearMissKind.Phrase;
    }

    /// <summary>
    /// Up to <paramref name="count"/> phoneme strings (espeak mnemonics, words separated by spaces) at one phoneme's
    /// edit from the keyword, the same for the same seed. Needs espeak-ng.
    /// </summary>
    public static IReadOnlyList<string> NearMisses(string keyword, int seed, int count, NearMissRule rule = NearMissRule.AnyEdit) =>
        PhonemeNearMisses(keyword, seed, count, rule).Select(c => c.Text).ToList();

    /// <summary><see cref="NearMisses"/> as confusables, each with its kind (<see cref="KindOf"/>).</summary>
    public static IReadOnlyList<Confusable> PhonemeNearMisses(string keyword, int seed, int count, NearMissRule rule = NearMissRule.AnyEdit) =>
        Edits(keyword, seed, count, rule == NearMissRule.NotAnAccent ? EditSet.NotAccentShaped : EditSet.Any);

    /// <summary>
    /// Up to <paramref name="count"/> one-phoneme edits of the keyword (espeak mnemonics) whose IPA has the keyword's shape
    /// in an English accent (<see cref="IpaSkeleton"/>): a changed vowel, an added r, a dropped h. The voice rule calls
    /// such readings the keyword, so they can be spoken as keywords (<see cref="SynthConfig.KeywordAccents"/>): the
    /// pronunciations accented voices use, said by the English voices. The same for the same seed; needs espeak-ng.
    /// </summary>
    public static IReadOnlyList<string> AccentVariants(string keyword, int seed, int count) =>
        Edits(keyword, seed, count, EditSet.AccentShaped).Select(c => c.Text).ToList();

    private static IReadOnlyList<Confusable> Edits(string keyword, int seed, int count, EditSet set) =>
        Memo.GetOrAdd((TextBank.CleanText(keyword).ToLowerInvariant(), seed, count, set), k => Generate(k.Keyword, k.Seed, k.Count, k.Set));

    /// <summary>
    /// The keyword's IPA in every English accent of espeak-ng: the references <see cref="VoiceCatalog"/> admits keyword
    /// voices by, and so what <see cref="NearMissRule.NotAnAccent"/> keeps near misses away from.
    /// </summary>
    public static IReadOnlyList<string> AccentReferences(string keyword) =>
        VoiceCatalog.AccentReferences(VoiceCatalog.KeywordReadings(new EspeakEngine(), keyword));

    /// <summary>The IPA espeak-ng gives each near miss (<c>--ipa</c> on its <c>[[...]]</c> form, the phoneme voice).</summary>
    public static IReadOnlyList<string> Ipa(IReadOnlyList<string> phonemeTexts) => ReadBack(phonemeTexts, ipa: true);

    private static IReadOnlyList<Confusable> Generate(string keyword, int seed, int count, EditSet set)
    {
        var references = set == EditSet.Any ? [] : AccentReferences(keyword);
        var words = Tokens(Phonemes(keyword));
        if (words.Count == 0)
        {
            return [];
        }
        var target = Bare(words);
        // The inventory is what espeak says in English: the keyword's phonemes and those of the sentence bank.
        var inventory = Tokens(Phonemes(string.Join(". ", TextBank.Sentences)))
            .SelectMany(w => w).Concat(words.SelectMany(w => w)).Select(StripStress)
            .Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Candidates of each kind (substitute, drop, insert), each kind shuffled by the seed, then taken in turn, so
        // the seven or so drops are not swamped by hundreds of insertions.
        var kinds = new[] { new List<List<List<string>>>(), new List<List<List<string>>>(), new List<List<List<string>>>() };
        for (var w = 0; w < words.Count; w++)
        {
            for (var i = 0; i <= words[w].Count; i++)
            {
                foreach (var p in inventory)
                {
                    kinds[2].Add(Edit(words, w, i, 0, p));
                }
                if (i == words[w].Count)
                {
                    continue;
                }
                var original = StripStress(words[w][i]);
                kinds[1].Add(Edit(words, w, i, 1, null));
                foreach (var p in inventory.Where(p => p != original && IsVowel(p) == IsVowel(original)))
                {
                    kinds[0].Add(Edit(words, w, i, 1, p));
                }
            }
        }
        var bare = new Dictionary<string, string>(StringComparer.Ordinal);
        var kindOf = new Dictionary<string, NearMissKind>(StringComparer.Ordinal);
        var shuffled = new List<string[]>();
        for (var k = 0; k < kinds.Length; k++)
        {
            var list = new List<string>();
            foreach (var c in kinds[k].Where(c => c.All(word => word.Any(p => IsVowel(StripStress(p))))))
            {
                var text = Format(c);
                if (Bare(c) != target && bare.TryAdd(text, Bare(c)))
                {
                    kindOf[text] = KindOf(words, c);
                    list.Add(text);
                }
            }
            var array = list.Order(StringComparer.Ordinal).ToArray();
            new Random(SplitAssigner.DeriveSeed(seed, k, 5)).Shuffle(array);
            shuffled.Add(array);
        }
        var distinct = Enumerable.Range(0, shuffled.Max(a => a.Length))
            .SelectMany(i => shuffled.Where(a => i < a.Length).Select(a => a[i])).ToArray();
        var chosen = new List<Confusable>();
        // Read back in batches until enough survive (most do).
        for (var start = 0; start < distinct.Length && chosen.Count < count; start += count)
        {
            var batch = distinct.Skip(start).Take(count).ToList();
            var back = ReadBack(batch, ipa: false);
            var ipa = references.Count > 0 ? ReadBack(batch, ipa: true) : null;
            for (var i = 0; i < batch.Count && chosen.Count < count; i++)
            {
                var spoken = Bare(Tokens(back[i]));
                if (spoken == bare[batch[i]] && spoken != target && (ipa is null || IpaSkeleton.Matches(ipa[i], references) == (set == EditSet.AccentShaped)))
                {
                    chosen.Add(new Confusable(batch[i], true, kindOf[batch[i]]));
                }
            }
        }
        return chosen;
    }

    /// <summary>espeak's mnemonics of <paramref name="text"/>, phonemes separated by '_', words by spaces.</summary>
    private static string Phonemes(string text)
    {
        var (phonemes, problem) = EspeakEngine.Phonemize(PhonemeVoice, text, ipa: false, separator: '_');
        return phonemes ?? throw new SynthesisException($"espeak-ng cannot phonemize \"{text}\" with {PhonemeVoice}: {problem}");
    }

    /// <summary>What espeak reads back from each <c>[[...]]</c> (mnemonics, or IPA): one output line per input line.</summary>
    private static IReadOnlyList<string> ReadBack(IReadOnlyList<string> phonemeTexts, bool ipa)
    {
        string[] mode = ipa ? ["--ipa"] : ["-x", "--sep=_"];
        var input = string.Join('\n', phonemeTexts.Select(p => $"[[{SpeechRequest.CleanPhonemes(p)}]]")) + "\n";
        var run = ToolRunner.RunChecked("espeak-ng", ["-q", .. mode, "-v", PhonemeVoice], Encoding.UTF8.GetBytes(input));
        var lines = run.StdoutText.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count == phonemeTexts.Count)
        {
            return lines;
        }
        // espeak split or merged a line: read them back one by one.
        return phonemeTexts.Select(p => ToolRunner.RunChecked("espeak-ng", ["-q", .. mode, "-v", PhonemeVoice, "--", $"[[{SpeechRequest.CleanPhonemes(p)}]]"])
            .StdoutText.Trim()).ToList();
    }

    /// <summary>Words of '_'-separated phonemes.</summary>
    private static List<List<string>> Tokens(string phonemes) =>
        phonemes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split('_', StringSplitOptions.RemoveEmptyEntries).ToList()).ToList();

    private static List<List<string>> Edit(List<List<string>> words, int w, int i, int remove, string? insert)
    {
        var copy = words.Select(x => x.ToList()).ToList();
        var stress = remove == 1 ? Stress(copy[w][i]) : "";
        copy[w].RemoveRange(i, remove);
        if (insert is not null)
        {
            copy[w].Insert(i, stress + insert);
        }
        return copy;
    }

    private static string Format(List<List<string>> words) => string.Join(' ', words.Select(w => string.Concat(w)));

    /// <summary>The sound sequence without stress marks and word breaks, for comparing what is said.</summary>
    private static string Bare(List<List<string>> words) => string.Concat(words.SelectMany(w => w).Select(StripStress));

    private static string Unpunctuated(string text) => text.Trim(',', '.', '?', '!', ' ');

    private static string Stress(string token) => token.Length > 0 && token[0] is '\'' or ',' ? token[..1] : "";

    private static string StripStress(string token) => token.TrimStart('\'', ',', '%', '=');

    private static bool IsVowel(string phoneme) => phoneme.Length > 0 && VowelStarts.Contains(phoneme[0]);
}
