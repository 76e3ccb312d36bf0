namespace StreamingAnchor.Data.Synthesis;

/// <summary>What one split may draw from: its voices per engine, its real speech files, its noise files.</summary>
public sealed class SplitPool
{
    /// <summary>Every voice of the split, per engine (they speak background sentences).</summary>
    public Dictionary<TtsEngineKind, List<Voice>> Voices { get; } = [];

    /// <summary>The voices that say the keyword intelligibly (see <see cref="VoiceCatalog"/>), per engine.</summary>
    public Dictionary<TtsEngineKind, List<Voice>> KeywordVoices { get; } = [];

    /// <summary>English espeak voices, which speak phoneme-level confusables.</summary>
    public List<Voice> PhonemeVoices { get; } = [];

    public List<RealFile> Speech { get; } = [];
    public List<RealFile> Noise { get; } = [];
    public List<(NoiseColor Color, int Index)> Generated { get; } = [];

    public bool HasVoices => Voices.Values.Any(v => v.Count > 0);

    public void Add(Voice voice, bool saysKeyword, bool speaksPhonemes)
    {
        Append(Voices, voice);
        if (saysKeyword)
        {
            Append(KeywordVoices, voice);
        }
        if (speaksPhonemes)
        {
            PhonemeVoices.Add(voice);
        }
    }

    private static void Append(Dictionary<TtsEngineKind, List<Voice>> byEngine, Voice voice)
    {
        if (!byEngine.TryGetValue(voice.Engine, out var list))
        {
            byEngine[voice.Engine] = list = [];
        }
        list.Add(voice);
    }

    /// <summary>
    /// A random voice (one that says the keyword when <paramref name="keyword"/>): engine first (espeak half the time,
    /// for its variety), then a voice of it.
    /// </summary>
    public Voice PickVoice(Random rng, Voice? except = null, bool keyword = false)
    {
        var source = keyword ? KeywordVoices : Voices;
        var engines = source.Where(kv => kv.Value.Any(v => v != except)).Select(kv => kv.Key).Order().ToList();
        if (engines.Count == 0)
        {
            throw new SynthesisException(keyword ? "no voice of this split says the keyword" : "no TTS voice available for this split");
        }
        TtsEngineKind engine;
        if (engines.Contains(TtsEngineKind.Espeak) && engines.Count > 1)
        {
            engine = rng.NextDouble() < 0.5
                ? TtsEngineKind.Espeak
                : engines.Where(e => e != TtsEngineKind.Espeak).ElementAt(rng.Next(engines.Count - 1));
        }
        else
        {
            engine = engines[rng.Next(engines.Count)];
        }
        var candidates = source[engine];
        // Lists hold thousands of espeak voices: draw, and redraw only on the excluded one.
        while (true)
        {
            var v = candidates[rng.Next(candidates.Count)];
            if (v != except)
            {
                return v;
            }
        }
    }
}
