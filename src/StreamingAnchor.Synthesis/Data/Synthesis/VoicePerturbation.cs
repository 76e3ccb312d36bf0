namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The grids speaker perturbations are drawn from. A speaker configuration is a voice (base voice + variant) with one
/// speed, pitch and (flite, festival) timbre step; prosody (espeak amplitude, word gap, emphasis, a comma between
/// words) is drawn per utterance on top. Steps rather than continuous draws, so the same keyword utterance recurs and
/// the TTS cache serves it again.
/// </summary>
public static class VoicePerturbation
{
    /// <summary>Speaking rate factors (espeak -s 140..219 wpm; flite and festival duration stretch).</summary>
    public static readonly IReadOnlyList<double> Speeds = [0.8, 0.9, 1.0, 1.12, 1.25];

    /// <summary>espeak pitch factors: <c>-p</c> = 50 x factor (30..70).</summary>
    public static readonly IReadOnlyList<double> EspeakPitches = [0.6, 0.8, 1.0, 1.2, 1.4];

    /// <summary>F0 target factors of the flite and festival voices that accept one.</summary>
    public static readonly IReadOnlyList<double> NaturalPitches = [0.88, 0.94, 1.0, 1.06, 1.12];

    /// <summary>Tape-speed timbre factors of flite and festival voices (pitch and formants move together, about +-2 semitones).</summary>
    public static readonly IReadOnlyList<double> Timbres = [0.9, 0.95, 1.0, 1.05, 1.1];

    /// <summary>espeak <c>-a</c> values; 100 is the default and the most that does not risk clipping.</summary>
    public static readonly IReadOnlyList<int> Amplitudes = [70, 85, 100];

    /// <summary>espeak <c>-g</c> word gaps (x 10 ms) for the keyword and its confusables; 0 twice so most keep their natural flow.</summary>
    public static readonly IReadOnlyList<int> WordGaps = [0, 0, 3, 8];

    /// <summary>Speaker configurations a voice offers: speed x pitch (when the voice takes a pitch) x timbre (flite, festival).</summary>
    public static int ConfigurationsOf(Voice voice) => voice.Engine == TtsEngineKind.Espeak
        ? Speeds.Count * EspeakPitches.Count
        : Speeds.Count * (voice.FixedPitch ? 1 : NaturalPitches.Count) * Timbres.Count;

    /// <summary>One speaker configuration of <paramref name="voice"/> saying <paramref name="text"/>, without prosody changes.</summary>
    public static SpeechRequest Draw(Random rng, Voice voice, string text)
    {
        var speed = Speeds[rng.Next(Speeds.Count)];
        if (voice.Engine == TtsEngineKind.Espeak)
        {
            var pitch = EspeakPitches[rng.Next(EspeakPitches.Count)];
            return new SpeechRequest(voice, text, speed, pitch, amplitude: Amplitudes[rng.Next(Amplitudes.Count)]);
        }
        var naturalPitch = voice.FixedPitch ? 1.0 : NaturalPitches[rng.Next(NaturalPitches.Count)];
        return new SpeechRequest(voice, text, speed, naturalPitch, timbre: Timbres[rng.Next(Timbres.Count)]);
    }

    /// <summary>
    /// A keyword-like phrase with per-utterance prosody: half as said, otherwise a comma after a word (a short pause,
    /// any engine), or with espeak a wider word gap or emphasis on one word.
    /// </summary>
    public static SpeechRequest DrawWithProsody(Random rng, Voice voice, string text, bool isPhonemes = false)
    {
        var plain = Rebuild(Draw(rng, voice, "x"), text, isPhonemes: isPhonemes);
        var words = plain.Text.Split(' ');
        var u = rng.NextDouble();
        var espeak = voice.Engine == TtsEngineKind.Espeak;
        if (u < 0.5)
        {
            return plain;
        }
        if (words.Length >= 2 && !isPhonemes && (!espeak || u < 0.65))
        {
            words[rng.Next(words.Length - 1)] += ",";
            return Rebuild(plain, string.Join(' ', words));
        }
        if (espeak && words.Length >= 2 && (u < 0.85 || isPhonemes))
        {
            return Rebuild(plain, text, wordGap: WordGaps[rng.Next(WordGaps.Count)], isPhonemes: isPhonemes);
        }
        return espeak && !isPhonemes ? Rebuild(plain, text, emphasizedWord: rng.Next(words.Length)) : plain;
    }

    private static SpeechRequest Rebuild(SpeechRequest r, string text, int wordGap = 0, int? emphasizedWord = null, bool isPhonemes = false) =>
        new(r.Voice, text, r.Speed, r.Pitch, r.Amplitude, wordGap, emphasizedWord, r.Timbre, isPhonemes);
}
