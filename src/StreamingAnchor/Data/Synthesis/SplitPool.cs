namespace StreamingAnchor.Data.Synthesis;

/// <summary>What one split may draw from: its voices per engine, its real speech files, its noise files.</summary>
public sealed class SplitPool
{
    public Dictionary<TtsEngineKind, List<Voice>> Voices { get; } = [];
    public List<RealFile> Speech { get; } = [];
    public List<RealFile> Noise { get; } = [];
    public List<(NoiseColor Color, int Index)> Generated { get; } = [];

    public bool HasVoices => Voices.Values.Any(v => v.Count > 0);

    /// <summary>A random voice: engine first (espeak half the time, for its variety), then a voice of it.</summary>
    public Voice PickVoice(Random rng, Voice? except = null)
    {
        var engines = Voices.Where(kv => kv.Value.Any(v => v != except)).Select(kv => kv.Key).Order().ToList();
        if (engines.Count == 0)
        {
            throw new SynthesisException("no TTS voice available for this split");
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
        var candidates = Voices[engine].Where(v => v != except).ToList();
        return candidates[rng.Next(candidates.Count)];
    }
}
