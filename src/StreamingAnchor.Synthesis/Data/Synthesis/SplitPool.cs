namespace StreamingAnchor.Data.Synthesis;

/// <summary>What one split may draw from: its voices per engine, its real speech, music and noise files.</summary>
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
    public List<RealFile> Music { get; } = [];
    public List<(NoiseColor Color, int Index)> Generated { get; } = [];

    public bool HasVoices => Voices.Values.Any(v => v.Count > 0);

    /// <summary>The real-file list of a kind.</summary>
    public List<RealFile> Files(RealSourceKind kind) => kind switch
    {
        RealSourceKind.Speech => Speech,
        RealSourceKind.Music => Music,
        _ => Noise,
    };

    /// <summary>
    /// A random file of a kind: a source first, then one of its files, so a package with thousands of short files
    /// (syllables, clicks) does not drown one with a few long ones, and every language of a split is heard. Null
    /// when the split has no file of that kind.
    /// </summary>
    public RealFile? Pick(RealSourceKind kind, Random rng)
    {
        var files = Files(kind);
        if (files.Count == 0)
        {
            return null;
        }
        if (!_bySource.TryGetValue(kind, out var groups) || groups.Sum(g => g.Count) != files.Count)
        {
            // Built once the pool is filled; the lists are ordered, so the grouping is the same on every run.
            groups = files.GroupBy(f => f.Source.Name, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
            _bySource[kind] = groups;
        }
        var group = groups[rng.Next(groups.Count)];
        return group[rng.Next(group.Count)];
    }

    private readonly Dictionary<RealSourceKind, List<List<RealFile>>> _bySource = [];

    /// <summary>
    /// Puts every source's files into the pool of its package's split: whole packages, never single files, so no
    /// package is heard in two splits. A package named by two sources (say its speech and its music) must name one
    /// split, or the catalogue is refused.
    /// </summary>
    public static void PlaceSources(IReadOnlyDictionary<string, SplitPool> pools,
        IEnumerable<(RealSource Source, IReadOnlyList<RealFile> Files)> sources)
    {
        var packageSplit = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, files) in sources)
        {
            if (!pools.TryGetValue(source.Split, out var pool))
            {
                throw new SynthesisException($"source '{source.Name}': split '{source.Split}' is not one of {string.Join(", ", pools.Keys)}");
            }
            if (packageSplit.TryGetValue(source.Package, out var other) && other != source.Split)
            {
                throw new SynthesisException($"source '{source.Name}': package {source.Package} is already in the {other} split, not {source.Split}");
            }
            packageSplit[source.Package] = source.Split;
            pool.Files(source.Kind).AddRange(files);
        }
    }

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
