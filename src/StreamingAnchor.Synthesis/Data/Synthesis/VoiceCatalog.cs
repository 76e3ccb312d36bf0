using System.Collections.Concurrent;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>Voices of one split: base voices (espeak language voices and recorded speakers), espeak variants, voices, and speaker configurations of the keyword.</summary>
public sealed record VoiceSplitCounts(string Split, int BaseVoices, int KeywordBaseVoices, int Variants, int Voices, int KeywordVoices,
    long KeywordConfigurations);

/// <summary>One espeak-ng language voice's IPA of the keyword, or the problem that keeps it from speaking here.</summary>
public sealed record KeywordReading(string Language, string? Ipa, string? Problem);

/// <summary>
/// Every voice of the available engines, which of them say the keyword, and the split of each. espeak-ng offers every
/// language voice with every variant; a language voice reads English text with its own rules, so it speaks the keyword
/// only if its IPA for the keyword has the shape of an English accent's (<see cref="IpaSkeleton"/>): most voices of
/// non-Latin scripts switch to English phonemes and pass, voices that read "jarvis" as /x/, /j/, /ʒ/ or spell the
/// letters out do not. All voices speak the other sentences (accented background speech); the keyword and its
/// confusables come from keyword voices only, so no voice is a cue for "negative".
/// <para>
/// Splits: espeak language voices are hashed into train/dev/test in three groups (English accents, other keyword
/// languages, the rest), so every split has English accents and keyword voices; variants (timbres) are hashed
/// separately, and a language+variant voice belongs to a split only when both halves do (the mixed combinations are
/// not used). Recorded speakers keep <see cref="SplitAssigner"/>'s placement. A test voice thus has an accent and a
/// timbre no training voice has.
/// </para>
/// </summary>
public sealed class VoiceCatalog
{
    /// <summary>IPA of the keyword per language voice, by (voice list, keyword): tests build many corpora in one process.</summary>
    private static readonly ConcurrentDictionary<(string Languages, string Text), IReadOnlyList<KeywordReading>> ReadingMemo = new();

    private VoiceCatalog(IReadOnlyList<Voice> voices, IReadOnlyDictionary<string, string> splitOf, IReadOnlySet<string> keywordVoices,
        IReadOnlySet<string> phonemeVoices, IReadOnlyList<string> warnings)
    {
        Voices = voices;
        SplitOf = splitOf;
        KeywordVoices = keywordVoices;
        PhonemeVoices = phonemeVoices;
        Warnings = warnings;
    }

    /// <summary>Every voice that belongs to a split.</summary>
    public IReadOnlyList<Voice> Voices { get; }

    /// <summary>Split of every voice in <see cref="Voices"/>, by <see cref="Voice.Id"/>.</summary>
    public IReadOnlyDictionary<string, string> SplitOf { get; }

    /// <summary>Ids of the voices that say the keyword intelligibly.</summary>
    public IReadOnlySet<string> KeywordVoices { get; }

    /// <summary>Ids of the English espeak voices, which speak English phoneme mnemonics (<c>[[...]]</c>) as written.</summary>
    public IReadOnlySet<string> PhonemeVoices { get; }

    /// <summary>One line per problem: language voices espeak-ng cannot speak here are skipped.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>English accents of espeak-ng (language files <c>gmw/en*</c>): the reference for the keyword's shape.</summary>
    public static bool IsEnglish(string language) => language.StartsWith("gmw/en", StringComparison.Ordinal);

    /// <summary>
    /// The keyword's IPA in every language voice of <paramref name="espeak"/> (or why a voice cannot speak it here),
    /// computed once per voice list and keyword: the voice rule and the near-miss rules read the same readings.
    /// </summary>
    public static IReadOnlyList<KeywordReading> KeywordReadings(EspeakEngine espeak, string keyword, int workers = 1,
        CancellationToken cancellationToken = default)
    {
        var languages = espeak.Languages();
        return ReadingMemo.GetOrAdd((string.Join('|', languages), TextBank.CleanText(keyword)), k =>
        {
            var ipa = EspeakEngine.PhonemizeAll(languages, k.Text, workers, cancellationToken);
            return languages.Select((l, i) => new KeywordReading(l, ipa[i].Ipa, ipa[i].Problem)).ToList();
        });
    }

    /// <summary>The readings of the English accents: the shapes a keyword voice's reading must have (<see cref="IpaSkeleton"/>).</summary>
    public static IReadOnlyList<string> AccentReferences(IEnumerable<KeywordReading> readings) =>
        readings.Where(r => IsEnglish(r.Language) && r.Ipa is not null).Select(r => r.Ipa!).ToList();

    public static VoiceCatalog Build(IEnumerable<ITtsEngine> engines, string keyword, int workers = 1, CancellationToken cancellationToken = default)
    {
        var voices = new List<Voice>();
        var keywordVoices = new HashSet<string>(StringComparer.Ordinal);
        var phonemeVoices = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var languageSplit = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var engine in engines)
        {
            if (engine is not EspeakEngine espeak)
            {
                foreach (var v in engine.Voices())
                {
                    voices.Add(v);
                    keywordVoices.Add(v.Id);
                }
                continue;
            }
            var readings = KeywordReadings(espeak, keyword, workers, cancellationToken);
            var skipped = readings.Where(x => x.Problem is not null).ToList();
            if (skipped.Count > 0)
            {
                warnings.Add($"espeak-ng: {skipped.Count} language voice(s) skipped, they cannot speak here: "
                    + string.Join("; ", skipped.Select(s => $"{s.Language} ({s.Problem})")));
            }
            var usable = readings.Where(x => x.Ipa is not null).ToList();
            var references = AccentReferences(readings);
            var english = usable.Where(x => IsEnglish(x.Language)).Select(x => x.Language).ToList();
            var keywordLanguages = usable.Where(x => IpaSkeleton.Matches(x.Ipa!, references)).Select(x => x.Language).ToHashSet(StringComparer.Ordinal);
            var otherKeyword = keywordLanguages.Where(l => !IsEnglish(l));
            var rest = usable.Select(x => x.Language).Where(l => !keywordLanguages.Contains(l) && !IsEnglish(l));
            foreach (var group in new[] { english, otherKeyword, rest })
            {
                foreach (var (language, split) in SplitAssigner.Assign(group))
                {
                    languageSplit[language] = split;
                }
            }
            foreach (var language in usable.Select(x => x.Language))
            {
                foreach (var variant in espeak.Variants())
                {
                    var v = EspeakEngine.VoiceOf(language, variant);
                    voices.Add(v);
                    if (keywordLanguages.Contains(language))
                    {
                        keywordVoices.Add(v.Id);
                    }
                    if (IsEnglish(language))
                    {
                        phonemeVoices.Add(v.Id);
                    }
                }
            }
        }
        var speakerSplit = SplitAssigner.AssignSpeakers(voices);
        var splitOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var kept = new List<Voice>();
        foreach (var v in voices)
        {
            var split = speakerSplit[v.Speaker];
            if (v.Language is { } language && languageSplit[language] != split)
            {
                continue;
            }
            splitOf[v.Id] = split;
            kept.Add(v);
        }
        keywordVoices.IntersectWith(splitOf.Keys);
        phonemeVoices.IntersectWith(splitOf.Keys);
        return new VoiceCatalog(kept, splitOf, keywordVoices, phonemeVoices, warnings);
    }

    /// <summary>Adds every voice to its split's pool.</summary>
    public void Fill(IReadOnlyDictionary<string, SplitPool> pools)
    {
        foreach (var v in Voices)
        {
            pools[SplitOf[v.Id]].Add(v, KeywordVoices.Contains(v.Id), PhonemeVoices.Contains(v.Id));
        }
    }

    /// <summary>Counts per split, in <see cref="SplitAssigner.Splits"/> order.</summary>
    public IReadOnlyList<VoiceSplitCounts> Counts() =>
        SplitAssigner.Splits.Select(split =>
        {
            var inSplit = Voices.Where(v => SplitOf[v.Id] == split).ToList();
            var keyword = inSplit.Where(v => KeywordVoices.Contains(v.Id)).ToList();
            return new VoiceSplitCounts(split,
                inSplit.Select(v => v.BaseVoice).Distinct().Count(),
                keyword.Select(v => v.BaseVoice).Distinct().Count(),
                inSplit.Where(v => v.Engine == TtsEngineKind.Espeak).Select(v => v.Speaker).Distinct().Count(),
                inSplit.Count,
                keyword.Count,
                keyword.Sum(v => (long)VoicePerturbation.ConfigurationsOf(v)));
        }).ToList();
}
