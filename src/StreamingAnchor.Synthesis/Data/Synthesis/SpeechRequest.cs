using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// One utterance to synthesise. Speed (&gt;1 faster), pitch and timbre factors are rounded to 3 decimals so that the
/// cache key and the engine arguments agree.
/// <para>
/// Espeak-only controls: <see cref="Amplitude"/> (<c>-a</c>, kept &lt;= 100 because 150 and more clip),
/// <see cref="WordGap"/> (<c>-g</c>, units of 10 ms between words), <see cref="EmphasizedWord"/> (an SSML
/// <c>&lt;emphasis&gt;</c> around one word) and <see cref="IsPhonemes"/> (the text is espeak phoneme mnemonics, spoken
/// through <c>[[...]]</c>). <see cref="Timbre"/> (flite and festival) plays the utterance that many times faster as a
/// tape would, moving pitch and formants together, while the engine's own duration control keeps the speed.
/// </para>
/// </summary>
public sealed record SpeechRequest
{
    public SpeechRequest(Voice voice, string text, double speed, double pitch, int amplitude = 100, int wordGap = 0,
        int? emphasizedWord = null, double timbre = 1.0, bool isPhonemes = false)
    {
        Voice = voice;
        IsPhonemes = isPhonemes;
        Text = isPhonemes ? CleanPhonemes(text) : TextBank.CleanText(text);
        Speed = Math.Round(speed, 3);
        Pitch = Math.Round(pitch, 3);
        Amplitude = Math.Clamp(amplitude, 1, 100);
        WordGap = Math.Clamp(wordGap, 0, 100);
        EmphasizedWord = emphasizedWord is { } w && w >= 0 && w < Text.Split(' ').Length && !isPhonemes ? w : null;
        Timbre = Math.Round(timbre, 3);
        if (voice.Engine != TtsEngineKind.Espeak && (amplitude != 100 || wordGap != 0 || EmphasizedWord is not null || isPhonemes))
        {
            throw new SynthesisException($"{voice.Id}: amplitude, word gap, emphasis and phoneme input are espeak-ng controls");
        }
        if (voice.Engine == TtsEngineKind.Espeak && Timbre != 1.0)
        {
            throw new SynthesisException($"{voice.Id}: the timbre factor is for flite and festival (espeak has its variants)");
        }
    }

    public Voice Voice { get; }
    public string Text { get; }
    public double Speed { get; }
    public double Pitch { get; }
    public int Amplitude { get; }
    public int WordGap { get; }
    public int? EmphasizedWord { get; }
    public double Timbre { get; }
    public bool IsPhonemes { get; }

    /// <summary>
    /// What kind of near miss of the keyword this utterance is (a confusable's, for the manifest's meta); null for
    /// anything else. A label only: not in <see cref="CacheKey"/> and never heard.
    /// </summary>
    public NearMissKind? NearMiss { get; init; }

    /// <summary>Content hash naming the cached utterance (requests without the newer controls keep their old names).</summary>
    public string CacheKey
    {
        get
        {
            var s = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{Voice.Id}|{Text}|{Speed:F3}|{Pitch:F3}"));
            if (Amplitude != 100)
            {
                s.Append(CultureInfo.InvariantCulture, $"|a{Amplitude}");
            }
            if (WordGap != 0)
            {
                s.Append(CultureInfo.InvariantCulture, $"|g{WordGap}");
            }
            if (EmphasizedWord is { } w)
            {
                s.Append(CultureInfo.InvariantCulture, $"|e{w}");
            }
            if (Timbre != 1.0)
            {
                s.Append(CultureInfo.InvariantCulture, $"|t{Timbre:F3}");
            }
            if (IsPhonemes)
            {
                s.Append("|phonemes");
            }
            return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(s.ToString())))[..20];
        }
    }

    /// <summary>
    /// Keeps the characters of espeak-ng's ASCII phoneme mnemonics (letters, digits and <c>'  , @ : ; # - / \ ^ _ = * ! | ~ % &amp;</c>).
    /// Brackets are dropped, so the text cannot close the <c>[[...]]</c> it is wrapped in and return to text mode.
    /// </summary>
    public static string CleanPhonemes(string phonemes)
    {
        var sb = new StringBuilder(phonemes.Length);
        foreach (var c in phonemes)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || "',@:;#-/\\^_=*!|~%& ".Contains(c) ? c : ' ');
        }
        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
