using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A coarse shape of an espeak-ng IPA string for deciding whether a foreign voice still says the keyword: its
/// consonants in order and its number of vowel groups. Stress, length, tones, diacritics and language-switch tags
/// are dropped; r-sounds are dropped (rhotic and non-rhotic accents are both the keyword), near-identical consonants are
/// merged (ʋ = v, ɡ = g, ɕ = s); the glides j, w, ɥ count as vowels, so "hej" and "heɪ" have the same shape. A voice
/// that reads "jarvis" as /j/, /x/ or /ʒ/, or spells the letters out, keeps a different shape.
/// </summary>
public static partial class IpaSkeleton
{
    private const string Vowels = "aeiouyɑɐɒæɛəɜɞɘɵɪʏʊɔʌɤɯɨʉøœɶᵻɚɝjwɥ";

    [GeneratedRegex(@"\([A-Za-z\-]+\)")]
    private static partial Regex LanguageTag();

    /// <summary>Consonant string and vowel-group count of an IPA string.</summary>
    public static (string Consonants, int VowelGroups) Of(string ipa)
    {
        var text = LanguageTag().Replace(ipa, " ").Normalize(NormalizationForm.FormD);
        var consonants = new StringBuilder();
        var groups = 0;
        var inVowel = false;
        foreach (var c in text)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (c is 'ˈ' or 'ˌ' or 'ː' or 'ˑ' or '‿' or '͡' || char.IsAsciiDigit(c)
                || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.ModifierLetter or UnicodeCategory.SpacingCombiningMark)
            {
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                inVowel = false;
                continue;
            }
            if (Vowels.Contains(c))
            {
                if (!inVowel)
                {
                    groups++;
                }
                inVowel = true;
                continue;
            }
            inVowel = false;
            switch (c)
            {
                case 'r' or 'ɾ' or 'ɹ' or 'ʀ' or 'ʁ' or 'ɻ' or 'ɽ':
                    break;
                case 'ʋ':
                    consonants.Append('v');
                    break;
                case 'ɡ':
                    consonants.Append('g');
                    break;
                case 'ɕ':
                    consonants.Append('s');
                    break;
                default:
                    consonants.Append(c);
                    break;
            }
        }
        return (consonants.ToString(), groups);
    }

    /// <summary>True when <paramref name="ipa"/> has the shape of one of the references (the English accents' IPA).</summary>
    public static bool Matches(string ipa, IEnumerable<string> references)
    {
        var shape = Of(ipa);
        return references.Any(r => Of(r) == shape);
    }
}
